package dev.serverlesskit.app.delivery;

import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * The two CodeDeploy calls of a hook ({@code GetDeployment}, {@code PutLifecycleEventHookExecutionStatus}), as
 * signed JSON 1.1 requests ({@link AwsJsonCalls}), no CodeDeploy client. The endpoint is
 * {@code AWS_ENDPOINT_URL_CODEDEPLOY} when set (local runs), else the region's.
 */
final class DeploymentReports {
    private final AwsJsonCalls codeDeploy;

    DeploymentReports(String region, String endpointOverride, AwsCredentialsProvider credentials) {
        this.codeDeploy = new AwsJsonCalls("codedeploy", "CodeDeploy_20141006.", region, endpointOverride,
                credentials);
    }

    /** The name of the deployment group a deployment belongs to. */
    String deploymentGroupOf(String deploymentId) {
        Map<String, Object> answer = codeDeploy.call("GetDeployment", Map.of("deploymentId", deploymentId));
        if (answer.get("deploymentInfo") instanceof Map<?, ?> info && info.get("deploymentGroupName") instanceof String g) {
            return g;
        }
        throw new IllegalStateException("GetDeployment " + deploymentId + " named no deployment group: " + answer);
    }

    /** Reports a lifecycle event's outcome: {@code Succeeded} or {@code Failed}. */
    void report(String deploymentId, String lifecycleEventHookExecutionId, String status) {
        codeDeploy.call("PutLifecycleEventHookExecutionStatus", Map.of("deploymentId", deploymentId,
                "lifecycleEventHookExecutionId", lifecycleEventHookExecutionId, "status", status));
    }
}
