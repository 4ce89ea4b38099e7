package dev.serverlesskit.app.delivery;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.serverlesskit.app.common.Env;
import dev.serverlesskit.app.common.JsonLog;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

/**
 * CodeDeploy's pre-traffic hook for the app: invokes the new version of the function being deployed (the
 * {@code HOOK_TARGETS} entry of the deployment's group, from {@code codedeploy:GetDeployment}; every entry when
 * none names a group) with its {@link Probe} and reports {@code Succeeded} or {@code Failed} for the lifecycle
 * event it was called for. A failure stops the deployment before the new version gets any traffic.
 *
 * <p>Event (from CodeDeploy): {@code {"DeploymentId", "LifecycleEventHookExecutionId"}}. Answers what it reported,
 * with the failures, for logs and local runs.
 */
public final class PreTrafficHookHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    /** JSON list of {@code {"name", "function" (version ARN), "probe"}}. */
    public static final String TARGETS_VARIABLE = "HOOK_TARGETS";

    private final TrafficHook hook = TrafficHook.fromJson(Env.required(TARGETS_VARIABLE));

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        String deploymentId = String.valueOf(event == null ? null : event.get("DeploymentId"));
        String executionId = String.valueOf(event == null ? null : event.get("LifecycleEventHookExecutionId"));
        JsonLog.setContext(deploymentId, context == null ? null : context.getAwsRequestId(), false);
        TrafficHook.Invoker invoker = (arn, payload) -> {
            InvokeResponse r = Clients.LAMBDA.invoke(b -> b.functionName(arn).payload(SdkBytes.fromUtf8String(payload)));
            return new TrafficHook.Invoker.Result(r.functionError(), r.payload() == null ? null : r.payload().asUtf8String());
        };
        List<String> failures;
        TrafficHook checks = hook;
        try {
            if (hook.targets().stream().anyMatch(t -> t.deploymentGroup() != null)) {
                // the deployment of one function's alias: check that function
                checks = hook.forDeploymentGroup(Clients.CODEDEPLOY.deploymentGroupOf(deploymentId));
            }
            failures = checks.check(invoker);
        } catch (RuntimeException e) {
            failures = List.of("the hook could not run its checks: " + e);
        }
        String status = failures.isEmpty() ? "Succeeded" : "Failed";
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("deploymentId", deploymentId);
        result.put("status", status);
        result.put("checked", checks.targets().stream().map(TrafficHook.Target::name).toList());
        result.put("failures", failures);
        if (failures.isEmpty()) {
            JsonLog.info("new versions passed the pre-traffic checks", result);
        } else {
            JsonLog.warn("new versions failed the pre-traffic checks", result);
        }
        Clients.CODEDEPLOY.report(deploymentId, executionId, status);
        JsonLog.clearContext();
        return result;
    }

    /** The hook's clients: an invocation may take the target's whole timeout (and a cold start). */
    private static final class Clients {
        static final LambdaClient LAMBDA = LambdaClient.builder()
                .region(Region.of(Env.required("AWS_REGION")))
                .credentialsProvider(credentials())
                .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(2))
                        .socketTimeout(Duration.ofSeconds(60)).build())
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .apiCallTimeout(Duration.ofSeconds(65)).build())
                .build();
        static final DeploymentReports CODEDEPLOY = new DeploymentReports(Env.required("AWS_REGION"),
                Env.optional("AWS_ENDPOINT_URL_CODEDEPLOY").orElse(null), credentials());

        private static AwsCredentialsProviderChain credentials() {
            return AwsCredentialsProviderChain.builder()
                    .credentialsProviders(EnvironmentVariableCredentialsProvider.create(),
                            ContainerCredentialsProvider.create())
                    .build();
        }
    }
}
