package dev.serverlesskit.constructs;

import java.util.Map;
import software.amazon.awscdk.Acknowledgment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Validations;
import software.constructs.IConstruct;

/**
 * Acknowledgments of cdk-nag findings, recorded on the construct they concern through aws-cdk-lib's own
 * {@link Validations} mechanism, so the library needs no dependency on cdk-nag.
 */
final class NagAcknowledgments {
    private NagAcknowledgments() {
    }

    static void acknowledge(IConstruct scope, String ruleId, String reason) {
        Validations.of(scope).acknowledge(Acknowledgment.builder().id(ruleId).reason(reason).build());
    }

    /**
     * Several acknowledgments on one construct.
     *
     * @param reasonByRuleId rule id to reason, in the order to record them
     */
    static void acknowledge(IConstruct scope, Map<String, String> reasonByRuleId) {
        Validations.of(scope).acknowledge(reasonByRuleId.entrySet().stream()
                .map(e -> Acknowledgment.builder().id(e.getKey()).reason(e.getValue()).build())
                .toArray(Acknowledgment[]::new));
    }

    /**
     * Acknowledges an IAM5 wildcard-resource finding. A finding id may hold only one {@code ::}, so an ARN that
     * still holds pseudo parameters ({@code <AWS::Region>}: an environment-agnostic stack) cannot be acknowledged;
     * in an environment-specific stack the ARN is a literal and can.
     *
     * @return whether the finding could be acknowledged
     */
    static boolean acknowledgeWildcardResource(IConstruct scope, String arn, String reason) {
        Object resolved = Stack.of(scope).resolve(arn);
        if (!(resolved instanceof String literal) || literal.contains("::")) {
            return false;
        }
        acknowledge(scope, "AwsSolutions-IAM5[Resource::" + literal + "]", reason);
        return true;
    }
}
