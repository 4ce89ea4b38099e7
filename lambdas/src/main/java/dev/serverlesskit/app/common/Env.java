package dev.serverlesskit.app.common;

import java.util.Optional;

/**
 * Configuration comes only from the environment (what Lambda sets from the function's configuration).
 * A JVM system property of the same name is a fallback, so a test JVM can inject a value it only knows at run time.
 * Required variables are read during init: a missing one fails the cold start with a message naming it.
 */
public final class Env {
    private Env() {}

    public static String required(String name) {
        String value = get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("Missing required environment variable " + name
                    + ": set it in the function configuration");
        }
        return value.trim();
    }

    public static Optional<String> optional(String name) {
        String value = get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    public static String optional(String name, String defaultValue) {
        return optional(name).orElse(defaultValue);
    }

    public static long optionalLong(String name, long defaultValue) {
        Optional<String> value = optional(name);
        if (value.isEmpty()) {
            return defaultValue;
        }
        try {
            return Long.parseLong(value.get());
        } catch (NumberFormatException e) {
            throw new IllegalStateException("Environment variable " + name + " must be an integer, got '"
                    + value.get() + "'");
        }
    }

    private static String get(String name) {
        String value = System.getenv(name);
        return value != null ? value : System.getProperty(name);
    }
}
