package dev.serverlesskit.infra;

import java.nio.file.Path;

/**
 * The deployment jars built by {@code lambdas/}, one per function group, so each function ships only the SDK
 * client its handler uses: {@code dynamodb} (every handler but RecordClick), {@code sqs} (RecordClick) and
 * {@code delivery} (the pre-traffic hook: Lambda and CodeDeploy).
 * {@link Handlers#jarOf(String)} says which jar a handler is in.
 */
public record FunctionJars(Path dynamodb, Path sqs, Path delivery) {
    /** The function groups, each with its jar's path relative to the project root. */
    public enum Group {
        DYNAMODB("lambdas/target/function/serverless-kit-functions-dynamodb.jar"),
        SQS("lambdas/target/function/serverless-kit-functions-sqs.jar"),
        DELIVERY("lambdas/target/function/serverless-kit-functions-delivery.jar");

        private final String path;

        Group(String path) {
            this.path = path;
        }

        public String path() {
            return path;
        }
    }

    public Path jar(Group group) {
        return switch (group) {
            case SQS -> sqs;
            case DELIVERY -> delivery;
            case DYNAMODB -> dynamodb;
        };
    }
}
