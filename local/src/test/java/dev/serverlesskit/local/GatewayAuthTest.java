package dev.serverlesskit.local;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How a Lambda authorizer's policy is read: wildcards, a single statement, an explicit Deny winning. */
class GatewayAuthTest {
    private static final String ARN = "arn:aws:execute-api:eu-west-1:111111111111:local/v1/GET/partner/orders";

    private static String effect(String policy) {
        return GatewayAuth.effect(Json.parse(policy), ARN);
    }

    @Test
    void anAllowOnTheMethodOrAWildcardCoveringItAllows() {
        assertThat(effect("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"execute-api:Invoke\",\"Resource\":\""
                + ARN + "\"}]}")).isEqualTo("Allow");
        // one statement as an object, actions as a list, wildcards in both (actions case-insensitively)
        assertThat(effect("{\"Statement\":{\"Effect\":\"Allow\",\"Action\":[\"EXECUTE-API:*\"],"
                + "\"Resource\":[\"arn:aws:execute-api:eu-west-1:111111111111:local/v1/*/partner/*\"]}}"))
                .isEqualTo("Allow");
    }

    @Test
    void anExplicitDenyWinsAndNothingMatchingIsNoAllow() {
        assertThat(effect("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"},"
                + "{\"Effect\":\"Deny\",\"Action\":\"execute-api:Invoke\",\"Resource\":\"" + ARN + "\"}]}"))
                .isEqualTo("Deny");
        assertThat(effect("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"execute-api:Invoke\",\"Resource\":"
                + "\"arn:aws:execute-api:eu-west-1:111111111111:local/v1/POST/partner/orders\"}]}")).isNull();
        assertThat(effect("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"execute-api:ManageConnections\","
                + "\"Resource\":\"*\"}]}")).isNull();
        // "?" is one character, not a path
        assertThat(GatewayAuth.glob("a?c", "abc", false)).isTrue();
        assertThat(GatewayAuth.glob("a?c", "ab/bc", false)).isFalse();
    }
}
