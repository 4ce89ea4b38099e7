package dev.serverlesskit.bench.floor;

import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The SDK clients of the floor handlers, built with the same explicit settings as the app's
 * {@code dev.serverlesskit.app.common.AwsClients} (region from AWS_REGION, url-connection HTTP client with the same
 * timeouts, same API call timeout, the same credentials chain): the floor differs from a handler only by our code.
 * {@code FLOOR_CREDENTIALS} picks another credentials provider, to measure what each candidate costs: {@code chain}
 * (the app's: environment, then the container endpoint; the default), {@code environment} (environment variables
 * only: fails under SnapStart) or {@code default} (the SDK's default chain).
 */
final class FloorClients {
    private FloorClients() {
    }

    private static UrlConnectionHttpClient.Builder http() {
        return UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(2))
                .socketTimeout(Duration.ofSeconds(5));
    }

    private static ClientOverrideConfiguration overrides() {
        return ClientOverrideConfiguration.builder().apiCallTimeout(Duration.ofSeconds(10)).build();
    }

    static AwsCredentialsProvider credentials() {
        String kind = System.getenv("FLOOR_CREDENTIALS");
        if ("environment".equals(kind)) {
            return EnvironmentVariableCredentialsProvider.create();
        }
        if ("default".equals(kind)) {
            return DefaultCredentialsProvider.builder().build();
        }
        return AwsCredentialsProviderChain.builder()
                .credentialsProviders(EnvironmentVariableCredentialsProvider.create(),
                        ContainerCredentialsProvider.create())
                .build();
    }

    static DynamoDbClient dynamoDb() {
        return DynamoDbClient.builder()
                .region(Region.of(System.getenv("AWS_REGION")))
                .credentialsProvider(credentials())
                .httpClient(http().build())
                .overrideConfiguration(overrides())
                .build();
    }

    static SqsClient sqs() {
        return SqsClient.builder()
                .region(Region.of(System.getenv("AWS_REGION")))
                .credentialsProvider(credentials())
                .httpClient(http().build())
                .overrideConfiguration(overrides())
                .build();
    }
}
