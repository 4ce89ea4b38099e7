package dev.serverlesskit.constructs;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.codedeploy.ILambdaDeploymentConfig;
import software.amazon.awscdk.services.codedeploy.LambdaDeploymentConfig;
import software.amazon.awscdk.services.codedeploy.TimeBasedCanaryTrafficRoutingProps;
import software.amazon.awscdk.services.codedeploy.TimeBasedLinearTrafficRoutingProps;
import software.amazon.awscdk.services.codedeploy.TrafficRouting;
import software.constructs.Construct;

/**
 * How CodeDeploy moves a function's alias from the old version to the new one: all at once, a canary (a share of
 * the traffic, then the rest after an interval) or linear (equal shares every interval). During the shift, and
 * while the alarms watched by the {@link DeploymentPreference} stay quiet, both versions serve requests.
 */
public final class TrafficShifting {
    /** CodeDeploy's longest interval for Lambda traffic shifting, in minutes (two days). */
    static final int MAX_INTERVAL_MINUTES = 2880;

    /** The kinds of traffic shifting. */
    public enum Kind { ALL_AT_ONCE, CANARY, LINEAR }

    private final Kind kind;
    private final int percentage;
    private final Duration interval;

    private TrafficShifting(Kind kind, int percentage, Duration interval) {
        this.kind = kind;
        this.percentage = percentage;
        this.interval = interval;
    }

    /**
     * Every request goes to the new version as soon as the pre-traffic hook passes; alarms can still roll back a
     * deployment that has not finished (the post-traffic hook runs after the shift).
     */
    public static TrafficShifting allAtOnce() {
        return new TrafficShifting(Kind.ALL_AT_ONCE, 100, null);
    }

    /**
     * {@code percentage}% of requests go to the new version for {@code interval}, then all of them.
     *
     * @param percentage 1 to 99
     * @param interval   whole minutes, 1 to 2880
     */
    public static TrafficShifting canary(int percentage, Duration interval) {
        return new TrafficShifting(Kind.CANARY, checkPercentage("canary", percentage), checkInterval("canary", interval));
    }

    /**
     * Another {@code percentage}% of requests moves to the new version every {@code interval}.
     *
     * @param percentage 1 to 99
     * @param interval   whole minutes, 1 to 2880
     */
    public static TrafficShifting linear(int percentage, Duration interval) {
        return new TrafficShifting(Kind.LINEAR, checkPercentage("linear", percentage), checkInterval("linear", interval));
    }

    public Kind getKind() {
        return kind;
    }

    /** The share of traffic moved in the first (canary) or every (linear) step; 100 for all at once. */
    public int getPercentage() {
        return percentage;
    }

    /** The wait between steps; {@code null} for all at once. */
    public Duration getInterval() {
        return interval;
    }

    /** The longest a deployment shifts traffic before it is complete, in minutes (0 for all at once). */
    public int shiftMinutes() {
        if (kind == Kind.ALL_AT_ONCE || interval.isUnresolved()) {
            return 0;
        }
        int minutes = interval.toMinutes().intValue();
        return kind == Kind.CANARY ? minutes : minutes * ((100 + percentage - 1) / percentage - 1);
    }

    /** CodeDeploy's predefined configuration when one matches, otherwise a custom one created in {@code scope}. */
    ILambdaDeploymentConfig toDeploymentConfig(Construct scope, String id) {
        if (kind == Kind.ALL_AT_ONCE) {
            return LambdaDeploymentConfig.ALL_AT_ONCE;
        }
        Integer minutes = interval.isUnresolved() ? null : interval.toMinutes().intValue();
        if (percentage == 10 && minutes != null) {
            ILambdaDeploymentConfig predefined = kind == Kind.CANARY ? switch (minutes) {
                case 5 -> LambdaDeploymentConfig.CANARY_10_PERCENT_5_MINUTES;
                case 10 -> LambdaDeploymentConfig.CANARY_10_PERCENT_10_MINUTES;
                case 15 -> LambdaDeploymentConfig.CANARY_10_PERCENT_15_MINUTES;
                case 30 -> LambdaDeploymentConfig.CANARY_10_PERCENT_30_MINUTES;
                default -> null;
            } : switch (minutes) {
                case 1 -> LambdaDeploymentConfig.LINEAR_10_PERCENT_EVERY_1_MINUTE;
                case 2 -> LambdaDeploymentConfig.LINEAR_10_PERCENT_EVERY_2_MINUTES;
                case 3 -> LambdaDeploymentConfig.LINEAR_10_PERCENT_EVERY_3_MINUTES;
                case 10 -> LambdaDeploymentConfig.LINEAR_10_PERCENT_EVERY_10_MINUTES;
                default -> null;
            };
            if (predefined != null) {
                return predefined;
            }
        }
        TrafficRouting routing = kind == Kind.CANARY
                ? TrafficRouting.timeBasedCanary(TimeBasedCanaryTrafficRoutingProps.builder()
                        .percentage(percentage).interval(interval).build())
                : TrafficRouting.timeBasedLinear(TimeBasedLinearTrafficRoutingProps.builder()
                        .percentage(percentage).interval(interval).build());
        return LambdaDeploymentConfig.Builder.create(scope, id).trafficRouting(routing).build();
    }

    @Override
    public String toString() {
        return switch (kind) {
            case ALL_AT_ONCE -> "all at once";
            case CANARY -> "canary " + percentage + "% for " + interval.toHumanString();
            case LINEAR -> "linear " + percentage + "% every " + interval.toHumanString();
        };
    }

    private static int checkPercentage(String kind, int percentage) {
        return Check.between(null, "TrafficShifting." + kind + " percentage", percentage, 1, 99);
    }

    private static Duration checkInterval(String kind, Duration interval) {
        Check.required(null, "TrafficShifting." + kind + " interval", interval);
        if (!interval.isUnresolved()) {
            double minutes = interval.toSeconds().doubleValue() / 60;
            Check.that(null, minutes == Math.rint(minutes), "TrafficShifting." + kind + " interval must be whole minutes"
                    + " (got " + interval.toHumanString() + "): CodeDeploy counts Lambda intervals in minutes");
            Check.between(null, "TrafficShifting." + kind + " interval (minutes)", minutes, 1, MAX_INTERVAL_MINUTES);
        }
        return interval;
    }
}
