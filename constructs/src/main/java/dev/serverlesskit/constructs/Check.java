package dev.serverlesskit.constructs;

import java.util.regex.Pattern;

/** Prop validation that fails synthesis with a message naming the offending prop. */
final class Check {
    private Check() {
    }

    static <T> T required(String prop, T value) {
        if (value == null) {
            throw new IllegalArgumentException(prop + " is required");
        }
        return value;
    }

    /** The value, or the documented default when the prop was not set. */
    static <T> T or(T value, T fallback) {
        return value == null ? fallback : value;
    }

    static String notBlank(String prop, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(prop + " is required and must not be blank");
        }
        return value;
    }

    static double between(String prop, double value, double min, double max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(
                    prop + " must be between " + fmt(min) + " and " + fmt(max) + " (got " + fmt(value) + ")");
        }
        return value;
    }

    static int between(String prop, int value, int min, int max) {
        between(prop, (double) value, min, max);
        return value;
    }

    static String matches(String prop, String value, Pattern pattern, String expectation) {
        if (value == null || !pattern.matcher(value).matches()) {
            throw new IllegalArgumentException(prop + " " + expectation + " (got '" + value + "')");
        }
        return value;
    }

    static void that(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
