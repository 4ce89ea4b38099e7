package dev.serverlesskit.app.common;

import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * One SDK client of each kind per JVM, built on first use (lazy holders) and reused by every invocation.
 * Region from {@code AWS_REGION}, the light url-connection HTTP client, and credentials where Lambda puts them:
 * the access-key variables of an on-demand function, or, with SnapStart (which sets no access-key variables, so
 * that no credentials expire inside the snapshot), the container credentials endpoint
 * ({@code AWS_CONTAINER_CREDENTIALS_FULL_URI} + {@code AWS_CONTAINER_AUTHORIZATION_TOKEN}). Those two providers
 * only, not the SDK's default chain, which also builds the profile, web identity and instance metadata providers
 * (see bench/README.md for what each costs at cold start). Endpoints are the SDK's own business: it reads
 * {@code AWS_ENDPOINT_URL_DYNAMODB} / {@code AWS_ENDPOINT_URL_SQS} when set (tests point them at local engines),
 * otherwise the regional endpoint.
 */
public final class AwsClients {
    private AwsClients() {}

    public static DynamoDbClient dynamoDb() {
        return DynamoHolder.CLIENT;
    }

    public static SqsClient sqs() {
        return SqsHolder.CLIENT;
    }

    private static Region region() {
        return Region.of(Env.required("AWS_REGION"));
    }

    /** Environment variables first (on demand), then the container endpoint (SnapStart). */
    static AwsCredentialsProvider credentials() {
        return AwsCredentialsProviderChain.builder()
                .credentialsProviders(EnvironmentVariableCredentialsProvider.create(),
                        ContainerCredentialsProvider.create())
                .build();
    }

    private static SdkHttpClient httpClient() {
        return UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(2))
                .socketTimeout(Duration.ofSeconds(5))
                .build();
    }

    private static ClientOverrideConfiguration overrides() {
        return ClientOverrideConfiguration.builder()
                .apiCallTimeout(Duration.ofSeconds(10))
                .build();
    }

    private static final class DynamoHolder {
        static final DynamoDbClient CLIENT = DynamoDbClient.builder()
                .region(region())
                .credentialsProvider(credentials())
                .httpClient(httpClient())
                .overrideConfiguration(overrides())
                .build();
    }

    private static final class SqsHolder {
        static final SqsClient CLIENT = SqsClient.builder()
                .region(region())
                .credentialsProvider(credentials())
                .httpClient(httpClient())
                .overrideConfiguration(overrides())
                .build();
    }
}
