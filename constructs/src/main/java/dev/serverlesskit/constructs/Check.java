package dev.serverlesskit.constructs;

import java.util.regex.Pattern;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Token;
import software.constructs.IConstruct;

/**
 * Prop validation that fails synthesis with a {@link ValidationError} naming the construct path and the offending
 * prop. Every check skips values that are tokens (a {@code CfnParameter}, an attribute of another resource): they
 * are only known at deployment, and CloudFormation or the service checks them then.
 */
final class Check {
    private Check() {
    }

    /** An error tied to the construct; {@code null} for a value checked before it reaches one. */
    static ValidationError error(IConstruct scope, String problem) {
        return scope == null ? new ValidationError("", problem) : new ValidationError(scope, problem);
    }

    static <T> T required(IConstruct scope, String prop, T value) {
        if (value == null) {
            throw error(scope, prop + " is required");
        }
        return value;
    }

    /** The value, or the documented default when the prop was not set. */
    static <T> T or(T value, T fallback) {
        return value == null ? fallback : value;
    }

    /** The value, else the stage profile's, else the documented default. */
    static <T> T or(T value, T profile, T fallback) {
        return value != null ? value : profile != null ? profile : fallback;
    }

    /**
     * The removal policy of a resource the library creates: the prop, else the stage profile's, else the default.
     * SNAPSHOT fails naming where it came from: CloudFormation takes a snapshot only of databases, caches and
     * volumes, and none of the library's resources (tables, user pools, log groups, KMS keys, roles) is one.
     */
    static RemovalPolicy removalPolicy(IConstruct scope, String prop, RemovalPolicy value, RemovalPolicy profile,
            RemovalPolicy fallback) {
        RemovalPolicy chosen = or(value, profile, fallback);
        if (chosen == RemovalPolicy.SNAPSHOT) {
            throw error(scope, (value != null ? prop : "StageProfile.removalPolicy (the stage profile applied here)")
                    + " cannot be SNAPSHOT: CloudFormation snapshots only databases, caches and volumes, and this"
                    + " construct's resources are none of them; use RETAIN or DESTROY");
        }
        return chosen;
    }

    /** Whether a value is only known at deployment. */
    static boolean isToken(Object value) {
        return value != null && Token.isUnresolved(value);
    }

    static String notBlank(IConstruct scope, String prop, String value) {
        if (value == null || (!isToken(value) && value.isBlank())) {
            throw error(scope, prop + " is required and must not be blank");
        }
        return value;
    }

    /** A number in {@code [min, max]}; a token passes. */
    static <N extends Number> N between(IConstruct scope, String prop, N value, double min, double max) {
        if (value == null || isToken(value)) {
            return value;
        }
        double d = value.doubleValue();
        if (d < min || d > max) {
            throw error(scope, prop + " must be between " + fmt(min) + " and " + fmt(max) + " (got " + fmt(d) + ")");
        }
        return value;
    }

    /**
     * An alarm threshold on a count or a latency: greater than 0, since every alarm compares greater than or equal to
     * its threshold, and one at or below the metric's idle value (0 errors, 0 throttles) would be in alarm whenever
     * the metric has data. A token passes.
     */
    static <N extends Number> N positiveThreshold(IConstruct scope, String prop, N value) {
        if (value == null || isToken(value)) {
            return value;
        }
        if (!(value.doubleValue() > 0)) {
            throw error(scope, prop + " must be greater than 0 (got " + fmt(value.doubleValue()) + "): the alarm"
                    + " fires when the metric is greater than or equal to it, so it would fire whenever the metric"
                    + " has data");
        }
        return value;
    }

    /** A whole number in {@code [min, max]}; a token passes. */
    static <N extends Number> N wholeBetween(IConstruct scope, String prop, N value, long min, long max) {
        between(scope, prop, value, min, max);
        if (value != null && !isToken(value) && value.doubleValue() != Math.rint(value.doubleValue())) {
            throw error(scope, prop + " must be a whole number (got " + fmt(value.doubleValue()) + ")");
        }
        return value;
    }

    /** A string matching the pattern; a token passes. */
    static String matches(IConstruct scope, String prop, String value, Pattern pattern, String expectation) {
        if (value == null || (!isToken(value) && !pattern.matcher(value).matches())) {
            throw error(scope, prop + " " + expectation + " (got '" + value + "')");
        }
        return value;
    }

    static void that(IConstruct scope, boolean condition, String problem) {
        if (!condition) {
            throw error(scope, problem);
        }
    }

    /**
     * A duration CloudFormation takes in whole seconds, checked to be one and within {@code [min, max]} seconds.
     * A token passes when it was given in seconds ({@code Duration.seconds(token)}), the only unit a token can be
     * converted from; otherwise this fails naming the prop instead of letting aws-cdk-lib fail naming none.
     */
    static Duration wholeSeconds(IConstruct scope, String prop, Duration value, double min, double max) {
        if (value == null) {
            return null;
        }
        if (value.isUnresolved()) {
            try {
                value.toSeconds();
            } catch (RuntimeException e) {
                throw error(scope, prop + " comes from a token: give it as Duration.seconds(token), the only unit"
                        + " a token can be converted from");
            }
            return value;
        }
        double millis = value.toMilliseconds().doubleValue();
        if (millis % 1000 != 0) {
            throw error(scope, prop + " must be a whole number of seconds (got " + value.toHumanString() + ")");
        }
        between(scope, prop + " (seconds)", millis / 1000, min, max);
        return value;
    }

    /**
     * A duration in milliseconds, for alarm thresholds. A token passes when it was given in milliseconds or can be
     * converted ({@code Duration.millis(token)}); otherwise this fails naming the prop.
     */
    static Number millis(IConstruct scope, String prop, Duration value) {
        try {
            return value.toMilliseconds();
        } catch (RuntimeException e) {
            throw error(scope, prop + " comes from a token: give it as Duration.millis(token), the only unit a"
                    + " token can be converted to milliseconds from");
        }
    }

    /** A number for a message: the token's string form, or the number without a needless ".0". */
    static String show(Number value) {
        return isToken(value) ? "(a deploy-time value)" : fmt(value.doubleValue());
    }

    static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
