package dev.serverlesskit.local.gateway;

import java.util.List;

/**
 * What a request asks of a service, as far as IAM is concerned: the operation's name, whether it must be signed
 * (Cognito's user-facing operations are not), the checks it needs ({@code authorizations}: one per table of a batch)
 * and, when the gateway cannot tell, why ({@code problem}: such a request is refused, never forwarded unchecked).
 */
public record Operation(String name, boolean signed, List<Authorization> authorizations, boolean queryProtocol,
                        String problem) {
    public Operation {
        authorizations = List.copyOf(authorizations);
    }

    static Operation unmapped(String name, boolean queryProtocol, String problem) {
        return new Operation(name, true, List.of(), queryProtocol, problem);
    }
}
