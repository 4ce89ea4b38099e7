package dev.serverlesskit.constructs;

import java.util.List;
import software.amazon.awscdk.services.cloudwatch.IAlarm;
import software.amazon.awscdk.services.codedeploy.ILambdaApplication;
import software.amazon.awscdk.services.lambda.IFunction;

/**
 * How a {@link JavaFunction}'s new versions reach its alias: through a CodeDeploy deployment that shifts traffic
 * ({@link TrafficShifting}), runs optional hooks before and after, and rolls back when an alarm fires during the
 * deployment. Given as {@link JavaFunctionProps#getDeploymentPreference()}.
 *
 * <pre>{@code
 * DeploymentPreference.builder()
 *         .trafficShifting(TrafficShifting.canary(10, Duration.minutes(5)))
 *         .alarms(List.of(checkoutFailuresAlarm))
 *         .preTrafficHook(smokeHook.getFunction())
 *         .build()
 * }</pre>
 */
public final class DeploymentPreference {
    private final TrafficShifting trafficShifting;
    private final List<IAlarm> alarms;
    private final Boolean rollbackOnFunctionAlarms;
    private final IFunction preTrafficHook;
    private final IFunction postTrafficHook;
    private final ILambdaApplication application;

    private DeploymentPreference(Builder b) {
        this.trafficShifting = b.trafficShifting;
        this.alarms = b.alarms == null ? null : List.copyOf(b.alarms);
        this.rollbackOnFunctionAlarms = b.rollbackOnFunctionAlarms;
        this.preTrafficHook = b.preTrafficHook;
        this.postTrafficHook = b.postTrafficHook;
        this.application = b.application;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** How traffic moves to the new version. Required. */
    public TrafficShifting getTrafficShifting() {
        return trafficShifting;
    }

    /**
     * More alarms that roll the deployment back, such as a business metric's. Each must be defined in the
     * function's stack, or imported from its account and region: CodeDeploy reads alarms by name where it runs.
     *
     * @default none: only the function's own alarms (see {@link #getRollbackOnFunctionAlarms()})
     */
    public List<IAlarm> getAlarms() {
        return alarms;
    }

    /**
     * Whether the function's own errors, throttles and duration alarms roll the deployment back. Its concurrency
     * alarm never does: high load is not a faulty version.
     *
     * @default true, because a version that fails or slows down under real traffic is what a gradual
     *     deployment exists to catch
     */
    public Boolean getRollbackOnFunctionAlarms() {
        return rollbackOnFunctionAlarms;
    }

    /**
     * A function CodeDeploy invokes before any traffic moves; it must report {@code Succeeded} or {@code Failed}
     * with {@code codedeploy:PutLifecycleEventHookExecutionStatus} (granted on the deployment group) and may invoke
     * the new version (granted on exactly the function's current version, {@link JavaFunction#getCurrentVersionArn()}).
     * Pass the function itself, not an alias or version: CodeDeploy invokes a hook by function name. Its timeout
     * must be longer than the function's, so that it can wait for the new version and still report.
     *
     * @default none: traffic starts moving without a check
     */
    public IFunction getPreTrafficHook() {
        return preTrafficHook;
    }

    /**
     * A function CodeDeploy invokes once all traffic has moved, with the same grants and constraints as the
     * pre-traffic hook; reporting {@code Failed} rolls the alias back.
     *
     * @default none
     */
    public IFunction getPostTrafficHook() {
        return postTrafficHook;
    }

    /**
     * The CodeDeploy application the deployment group belongs to, to group several functions.
     *
     * @default a new application for the function
     */
    public ILambdaApplication getApplication() {
        return application;
    }

    /** Builder of {@link DeploymentPreference}. */
    public static final class Builder {
        private TrafficShifting trafficShifting;
        private List<IAlarm> alarms;
        private Boolean rollbackOnFunctionAlarms;
        private IFunction preTrafficHook;
        private IFunction postTrafficHook;
        private ILambdaApplication application;

        public Builder trafficShifting(TrafficShifting trafficShifting) {
            this.trafficShifting = trafficShifting;
            return this;
        }

        public Builder alarms(List<? extends IAlarm> alarms) {
            this.alarms = alarms == null ? null : List.copyOf(alarms);
            return this;
        }

        public Builder rollbackOnFunctionAlarms(Boolean rollbackOnFunctionAlarms) {
            this.rollbackOnFunctionAlarms = rollbackOnFunctionAlarms;
            return this;
        }

        public Builder preTrafficHook(IFunction preTrafficHook) {
            this.preTrafficHook = preTrafficHook;
            return this;
        }

        public Builder postTrafficHook(IFunction postTrafficHook) {
            this.postTrafficHook = postTrafficHook;
            return this;
        }

        public Builder application(ILambdaApplication application) {
            this.application = application;
            return this;
        }

        public DeploymentPreference build() {
            return new DeploymentPreference(this);
        }
    }
}
