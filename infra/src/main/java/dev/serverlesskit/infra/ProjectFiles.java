package dev.serverlesskit.infra;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Files of the project the app reads: {@code cdk.json} (and {@code cdk.context.json}) and the function jars built by
 * {@code lambdas/}.
 */
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
    public static Map<String, Object> cdkContext() {
        return object(cdkJson().get("context"));
    }

    /** {@code cdk.json} without its context: the CLI's settings ({@code app}, {@code pathMetadata}, ...). */
    public static Map<String, Object> cdkSettings() {
        Map<String, Object> settings = new HashMap<>(cdkJson());
        settings.remove("context");
        return settings;
    }

    /** {@code cdk.context.json}, where the CLI caches context lookups; empty when there is none. */
    public static Map<String, Object> cachedContext() {
        Path file = root().resolve("cdk.context.json");
        return Files.isRegularFile(file) ? object(read(file)) : Map.of();
    }

    private static Map<String, Object> cdkJson() {
        return read(root().resolve("cdk.json"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object value) {
        return value instanceof Map ? (Map<String, Object>) value : Map.of();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> read(Path file) {
        try {
            return new ObjectMapper().readValue(file.toFile(), Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException(root().relativize(file) + " could not be read", e);
        }
    }

    /** The function jars (one per group); fails with what to run when one has not been built. */
    public static FunctionJars functionJars() {
        return new FunctionJars(jar(FunctionJars.Group.DYNAMODB), jar(FunctionJars.Group.SQS),
                jar(FunctionJars.Group.DELIVERY));
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
