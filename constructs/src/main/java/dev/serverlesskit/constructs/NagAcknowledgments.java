package dev.serverlesskit.constructs;

import java.util.List;
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
     * Acknowledges an IAM5 wildcard-resource finding on exactly this resource, by the finding id cdk-nag prints
     * ({@code AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:...]} in an environment-agnostic stack).
     * aws-cdk-lib's {@code acknowledge} refuses an id holding more than one {@code ::} (cdk-nag issue 2351), which
     * every ARN built from pseudo parameters does; such an id is recorded under the metadata key that
     * {@code acknowledge} itself writes and cdk-nag reads ({@link Validations#ACKNOWLEDGED_RULES_METADATA_KEY}).
     * The construct tests synthesize such a stack and fail if cdk-nag stops honouring it.
     */
    static void acknowledgeWildcardResource(IConstruct resource, String arn, String reason) {
        String id = "AwsSolutions-IAM5[Resource::" + flatten(Stack.of(resource).resolve(arn)) + "]";
        if (id.indexOf("::") == id.lastIndexOf("::")) {
            acknowledge(resource, id, reason);
        } else {
            resource.getNode().addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, Map.of(id, reason));
        }
    }

    /** A resolved CloudFormation value as cdk-nag writes it in a finding id: references as {@code <Id>}. */
    @SuppressWarnings("unchecked")
    private static String flatten(Object value) {
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof Map<?, ?> map && map.size() == 1) {
            Object ref = map.get("Ref");
            if (ref instanceof String r) {
                return "<" + r + ">";
            }
            Object join = map.get("Fn::Join");
            if (join instanceof List<?> args && args.size() == 2 && args.get(1) instanceof List<?> parts) {
                StringBuilder joined = new StringBuilder();
                for (int i = 0; i < parts.size(); i++) {
                    joined.append(i == 0 ? "" : (String) args.get(0)).append(flatten(parts.get(i)));
                }
                return joined.toString();
            }
        }
        throw new IllegalArgumentException("cannot name the IAM5 finding of resource " + value);
    }
}
