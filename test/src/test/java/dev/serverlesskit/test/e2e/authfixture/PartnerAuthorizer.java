package dev.serverlesskit.test.e2e.authfixture;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test-only Lambda REQUEST authorizer: {@code Authorization: allow-<partner>} is allowed on the method,
 * {@code deny-<partner>} explicitly denied, {@code broken} answers without a policy, anything else is
 * "Unauthorized". Each run is numbered (context {@code run}), so a cached answer shows. Careless on purpose, it
 * allows a request without the header: only the gateway's identity source check keeps those out (401).
 */
public class PartnerAuthorizer {
    private static final AtomicInteger RUNS = new AtomicInteger();

    @SuppressWarnings("unchecked")
    public Map<String, Object> handleRequest(Map<String, Object> event) {
        if (!"REQUEST".equals(event.get("type"))) {
            throw new IllegalStateException("not a REQUEST authorizer event: " + event.get("type"));
        }
        Map<String, Object> headers = (Map<String, Object>) event.get("headers");
        String token = String.valueOf(headers.get("Authorization"));
        String methodArn = String.valueOf(event.get("methodArn"));
        int run = RUNS.incrementAndGet();
        if (token.equals("broken")) {
            return Map.of("principalId", "broken");
        }
        if (token.equals("null")) { // no Authorization header at all
            token = "allow-anonymous";
        }
        String effect = token.startsWith("allow-") ? "Allow" : token.startsWith("deny-") ? "Deny" : null;
        if (effect == null) {
            throw new RuntimeException("Unauthorized");
        }
        return Map.of("principalId", token.substring(token.indexOf('-') + 1),
                "policyDocument", Map.of("Version", "2012-10-17", "Statement", List.of(Map.of(
                        "Action", "execute-api:Invoke", "Effect", effect, "Resource", List.of(methodArn)))),
                "context", Map.of("run", String.valueOf(run)));
    }
}
