package dev.serverlesskit.constructs;

import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.cognito.FeaturePlan;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;
import software.constructs.IConstruct;

/**
 * Defaults of one environment (a stage: dev, staging, prod), applied to a scope (a stage, a stack, any construct)
 * with {@link #apply}: every construct of the library created in that scope afterwards takes the profile's value for
 * each prop it was not given, and the library's default where the profile has none. A prop given to a construct
 * always wins, so one construct can differ from its stage. The nearest profile up the construct tree applies.
 *
 * <p>{@link #development()} and {@link #production()} are starting points; the builder sets any subset.
 */
public final class StageProfile {
    static final String ID = "ServerlessKitStageProfile";

    private final RemovalPolicy removalPolicy;
    private final Boolean deletionProtection;
    private final RetentionDays logRetention;
    private final Boolean pagingEnabled;
    private final Boolean snapStart;
    private final FeaturePlan cognitoFeaturePlan;

    private StageProfile(Builder b) {
        this.removalPolicy = b.removalPolicy;
        this.deletionProtection = b.deletionProtection;
        this.logRetention = b.logRetention;
        this.pagingEnabled = b.pagingEnabled;
        this.snapStart = b.snapStart;
        this.cognitoFeaturePlan = b.cognitoFeaturePlan;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A stage whose data may go: everything DESTROY (the Operations KMS key included, so {@code cdk destroy} leaves
     * nothing behind), no deletion protection, one week of logs, alarms without actions, SnapStart off (faster
     * deployments), the ESSENTIALS Cognito plan.
     */
    public static StageProfile development() {
        return builder().removalPolicy(RemovalPolicy.DESTROY).deletionProtection(false)
                .logRetention(RetentionDays.ONE_WEEK).pagingEnabled(false).snapStart(false)
                .cognitoFeaturePlan(FeaturePlan.ESSENTIALS).build();
    }

    /**
     * A stage with users: everything RETAIN with deletion protection, three months of logs, paging on, SnapStart on,
     * the PLUS Cognito plan (threat protection enforced; billed per monthly active user).
     */
    public static StageProfile production() {
        return builder().removalPolicy(RemovalPolicy.RETAIN).deletionProtection(true)
                .logRetention(RetentionDays.THREE_MONTHS).pagingEnabled(true).snapStart(true)
                .cognitoFeaturePlan(FeaturePlan.PLUS).build();
    }

    /**
     * Applies the profile to the constructs of the library created in {@code scope} from now on. Apply it before
     * creating them; one profile per scope.
     *
     * @throws ValidationError when the scope already has a profile
     */
    public static void apply(Construct scope, StageProfile profile) {
        Check.required(scope, "StageProfile.apply(profile)", profile);
        Check.that(scope, scope.getNode().tryFindChild(ID) == null, "StageProfile.apply: the scope already has a"
                + " stage profile");
        new Holder(scope, profile);
    }

    /** The profile that applies to a construct: the nearest one up the tree, or an empty one. */
    public static StageProfile of(IConstruct construct) {
        for (IConstruct c = construct.getNode().getScope(); c != null; c = c.getNode().getScope()) {
            IConstruct holder = c.getNode().tryFindChild(ID);
            if (holder instanceof Holder h) {
                return h.profile;
            }
        }
        return builder().build();
    }

    /** Of tables, user pools, log groups and the Operations KMS key. @default each construct's own default */
    public RemovalPolicy getRemovalPolicy() {
        return removalPolicy;
    }

    /** Of tables and user pools. @default each construct's own default (on when RETAIN) */
    public Boolean getDeletionProtection() {
        return deletionProtection;
    }

    /** Of function and access log groups. @default each construct's own default (one month) */
    public RetentionDays getLogRetention() {
        return logRetention;
    }

    /** Whether alarms take actions ({@link OperationsProps#getPagingEnabled()}). @default true */
    public Boolean getPagingEnabled() {
        return pagingEnabled;
    }

    /** SnapStart on Java functions. @default true */
    public Boolean getSnapStart() {
        return snapStart;
    }

    /** The Cognito feature plan of user directories. @default ESSENTIALS */
    public FeaturePlan getCognitoFeaturePlan() {
        return cognitoFeaturePlan;
    }

    /** Builder of {@link StageProfile}. */
    public static final class Builder {
        private RemovalPolicy removalPolicy;
        private Boolean deletionProtection;
        private RetentionDays logRetention;
        private Boolean pagingEnabled;
        private Boolean snapStart;
        private FeaturePlan cognitoFeaturePlan;

        public Builder removalPolicy(RemovalPolicy removalPolicy) {
            this.removalPolicy = removalPolicy;
            return this;
        }

        public Builder deletionProtection(Boolean deletionProtection) {
            this.deletionProtection = deletionProtection;
            return this;
        }

        public Builder logRetention(RetentionDays logRetention) {
            this.logRetention = logRetention;
            return this;
        }

        public Builder pagingEnabled(Boolean pagingEnabled) {
            this.pagingEnabled = pagingEnabled;
            return this;
        }

        public Builder snapStart(Boolean snapStart) {
            this.snapStart = snapStart;
            return this;
        }

        public Builder cognitoFeaturePlan(FeaturePlan cognitoFeaturePlan) {
            this.cognitoFeaturePlan = cognitoFeaturePlan;
            return this;
        }

        public StageProfile build() {
            return new StageProfile(this);
        }
    }

    /** Holds a scope's profile in the construct tree (no resources). */
    private static final class Holder extends Construct {
        private final StageProfile profile;

        Holder(Construct scope, StageProfile profile) {
            super(scope, ID);
            this.profile = profile;
        }
    }
}
