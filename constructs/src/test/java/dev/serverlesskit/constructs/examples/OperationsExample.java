package dev.serverlesskit.constructs.examples;

import dev.serverlesskit.constructs.Operations;
import dev.serverlesskit.constructs.OperationsProps;
import java.util.List;
import software.constructs.Construct;

/** The alarm hub, with one email subscription. */
public final class OperationsExample {
    private OperationsExample() {
    }

    public static Operations define(Construct scope) {
        // example:start
        Operations ops = new Operations(scope, "Operations", OperationsProps.builder()
                .alarmEmails(List.of("oncall@example.com"))
                .build());
        // Pass it as `operations` to the other constructs: their alarms notify its topic and show on its dashboard.
        // example:end
        return ops;
    }
}
