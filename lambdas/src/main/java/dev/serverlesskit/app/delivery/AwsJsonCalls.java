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
 * Signed calls of one AWS JSON 1.1 service (Cognito user pools, Secrets Manager, CodeDeploy for
 * {@link DeploymentReports}), with the SDK's signer and the JDK's HTTP client: no service client, so the delivery jar
 * stays small.
 */
final class AwsJsonCalls {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** An error the service answered: {@code type} is its exception name without namespace, e.g. UsernameExistsException. */
    static final class ServiceException extends RuntimeException {
        private final String type;

        ServiceException(String service, String operation, int status, String type, String body) {
            super(service + " " + operation + " answered " + status + " " + type + ": " + body);
            this.type = type;
        }

        String type() {
            return type;
        }
    }

    private final String signingName;
    private final String targetPrefix;
    private final String region;
    private final URI endpoint;
    private final AwsCredentialsProvider credentials;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    /**
     * @param endpointOverride the service's endpoint (local runs), or null for the region's
     *                         {@code https://<signingName>.<region>.amazonaws.com}
     */
    AwsJsonCalls(String signingName, String targetPrefix, String region, String endpointOverride,
                 AwsCredentialsProvider credentials) {
        this.signingName = signingName;
        this.targetPrefix = targetPrefix;
        this.region = region;
        this.endpoint = URI.create(endpointOverride != null && !endpointOverride.isBlank() ? endpointOverride
                : "https://" + signingName + "." + region + ".amazonaws.com").resolve("/");
        this.credentials = credentials;
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> call(String operation, Map<String, Object> request) {
        String body = Json.write(request);
        SdkHttpRequest unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(endpoint)
                .putHeader("Content-Type", "application/x-amz-json-1.1")
                .putHeader("X-Amz-Target", targetPrefix + operation)
                .build();
        SignedRequest signed = signer.sign(r -> r.identity(credentials.resolveCredentials())
                .request(unsigned)
                .payload(ContentStreamProvider.fromUtf8String(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, signingName)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        HttpRequest.Builder http = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(15))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        signed.request().headers().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Host") && !name.equalsIgnoreCase("Content-Length")) {
                values.forEach(v -> http.header(name, v));
            }
        });
        try {
            HttpResponse<String> r = HTTP.send(http.build(), HttpResponse.BodyHandlers.ofString());
            Object parsed;
            try {
                parsed = r.body() == null || r.body().isBlank() ? Map.of() : Json.parse(r.body());
            } catch (IOException e) {
                parsed = Map.of();
            }
            Map<String, Object> answer = parsed instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
            if (r.statusCode() != 200) {
                String type = String.valueOf(answer.getOrDefault("__type", answer.getOrDefault("code", "Error")));
                throw new ServiceException(signingName, operation, r.statusCode(),
                        type.substring(type.lastIndexOf('#') + 1), r.body());
            }
            return answer;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(signingName + " " + operation + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
