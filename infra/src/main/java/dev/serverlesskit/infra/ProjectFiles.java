package dev.serverlesskit.infra;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Files of the project the app reads: {@code cdk.json}'s context and the function jars built by {@code lambdas/}. */
public final class ProjectFiles {
    private ProjectFiles() {
    }

    /** The project root: the nearest folder, from the working directory up, that holds {@code cdk.json}. */
    public static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("cdk.json"))) {
                return p;
            }
        }
        throw new IllegalStateException("No cdk.json in " + dir + " or above: run from the Serverless Kit project");
    }

    /** The context of {@code cdk.json}, which the CDK CLI passes to the app and tests must pass too. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> cdkContext() {
        try {
            Map<String, Object> cdkJson = new ObjectMapper().readValue(root().resolve("cdk.json").toFile(), Map.class);
            Object context = cdkJson.get("context");
            return context instanceof Map ? (Map<String, Object>) context : Map.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cdk.json could not be read", e);
        }
    }

    /** The function jars (one per group); fails with what to run when one has not been built. */
    public static FunctionJars functionJars() {
        return new FunctionJars(jar(FunctionJars.Group.DYNAMODB), jar(FunctionJars.Group.SQS));
    }

    private static Path jar(FunctionJars.Group group) {
        Path jar = root().resolve(group.path());
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(group.path() + " is missing: build it first with"
                    + " ./mvnw -pl lambdas -am package -DskipTests");
        }
        return jar;
    }
}
