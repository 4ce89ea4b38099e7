package dev.serverlesskit.app.delivery;

import dev.serverlesskit.app.common.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

/**
 * The two CodeDeploy calls of a hook ({@code GetDeployment}, {@code PutLifecycleEventHookExecutionStatus}), as
 * signed JSON 1.1 requests: the SDK's own signer and the JDK's HTTP client, no CodeDeploy client. The endpoint is
 * {@code AWS_ENDPOINT_URL_CODEDEPLOY} when set (local runs), else the region's.
 */
final class DeploymentReports {
    private static final String TARGET_PREFIX = "CodeDeploy_20141006.";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String region;
    private final URI endpoint;
    private final AwsCredentialsProvider credentials;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    DeploymentReports(String region, String endpointOverride, AwsCredentialsProvider credentials) {
        this.region = region;
        this.endpoint = URI.create(endpointOverride != null && !endpointOverride.isBlank() ? endpointOverride
                : "https://codedeploy." + region + ".amazonaws.com");
        this.credentials = credentials;
    }

    /** The name of the deployment group a deployment belongs to. */
    String deploymentGroupOf(String deploymentId) {
        Map<String, Object> answer = call("GetDeployment", Map.of("deploymentId", deploymentId));
        if (answer.get("deploymentInfo") instanceof Map<?, ?> info && info.get("deploymentGroupName") instanceof String g) {
            return g;
        }
        throw new IllegalStateException("GetDeployment " + deploymentId + " named no deployment group: " + answer);
    }

    /** Reports a lifecycle event's outcome: {@code Succeeded} or {@code Failed}. */
    void report(String deploymentId, String lifecycleEventHookExecutionId, String status) {
        call("PutLifecycleEventHookExecutionStatus", Map.of("deploymentId", deploymentId,
                "lifecycleEventHookExecutionId", lifecycleEventHookExecutionId, "status", status));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> call(String operation, Map<String, Object> request) {
        String body = Json.write(request);
        URI uri = endpoint.resolve("/");
        SdkHttpRequest unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(uri)
                .putHeader("Content-Type", "application/x-amz-json-1.1")
                .putHeader("X-Amz-Target", TARGET_PREFIX + operation)
                .build();
        SignedRequest signed = signer.sign(r -> r.identity(credentials.resolveCredentials())
                .request(unsigned)
                .payload(ContentStreamProvider.fromUtf8String(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "codedeploy")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        HttpRequest.Builder http = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        signed.request().headers().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Host") && !name.equalsIgnoreCase("Content-Length")) {
                for (String v : values) {
                    http.header(name, v);
                }
            }
        });
        try {
            HttpResponse<String> r = HTTP.send(http.build(), HttpResponse.BodyHandlers.ofString());
            Object parsed = r.body() == null || r.body().isBlank() ? Map.of() : Json.parse(r.body());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("CodeDeploy " + operation + " answered " + r.statusCode() + ": "
                        + r.body());
            }
            return parsed instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("CodeDeploy " + operation + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
