package dev.serverlesskit.infra;

import java.nio.file.Path;

/**
 * The deployment jars built by {@code lambdas/}, one per function group, so each function ships only the SDK
 * client its handler uses: {@code dynamodb} (every handler but RecordClick) and {@code sqs} (RecordClick).
 * {@link Handlers#jarOf(String)} says which jar a handler is in.
 */
public record FunctionJars(Path dynamodb, Path sqs) {
    /** The function groups, each with its jar's path relative to the project root. */
    public enum Group {
        DYNAMODB("lambdas/target/function/serverless-kit-functions-dynamodb.jar"),
        SQS("lambdas/target/function/serverless-kit-functions-sqs.jar");

        private final String path;

        Group(String path) {
            this.path = path;
        }

        public String path() {
            return path;
        }
    }

    public Path jar(Group group) {
        return group == Group.SQS ? sqs : dynamodb;
    }
}
