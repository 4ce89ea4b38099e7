package dev.serverlesskit.constructs;

import java.util.List;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.cognito.FeaturePlan;
import software.amazon.awscdk.services.cognito.Mfa;

/** Properties of {@link UserDirectory}. */
public final class UserDirectoryProps {
    private final Boolean selfSignUpEnabled;
    private final List<String> groups;
    private final Mfa mfa;
    private final FeaturePlan featurePlan;
    private final Number passwordMinLength;
    private final Boolean allowPasswordAuth;
    private final RemovalPolicy removalPolicy;
    private final Boolean deletionProtection;
    private final IOperations operations;
    private final Number signInThrottleAlarmThreshold;

    private UserDirectoryProps(Builder b) {
        this.selfSignUpEnabled = b.selfSignUpEnabled;
        this.groups = b.groups == null ? null : List.copyOf(b.groups);
        this.mfa = b.mfa;
        this.featurePlan = b.featurePlan;
        this.passwordMinLength = b.passwordMinLength;
        this.allowPasswordAuth = b.allowPasswordAuth;
        this.removalPolicy = b.removalPolicy;
        this.deletionProtection = b.deletionProtection;
        this.operations = b.operations;
        this.signInThrottleAlarmThreshold = b.signInThrottleAlarmThreshold;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Whether anyone may sign up (with a verified email). When false only administrators create users.
     *
     * @default false
     */
    public Boolean getSelfSignUpEnabled() {
        return selfSignUpEnabled;
    }

    /**
     * Groups to create (for example {@code admins}); they appear in the {@code cognito:groups} token claim.
     *
     * @default none
     */
    public List<String> getGroups() {
        return groups;
    }

    /**
     * Multi-factor authentication with TOTP (SMS is not enabled: it needs an SNS role and is phishable).
     *
     * @default Mfa.OPTIONAL
     */
    public Mfa getMfa() {
        return mfa;
    }

    /**
     * The Cognito feature plan. PLUS brings threat protection (compromised credentials, adaptive
     * authentication), enforced here when chosen, and is billed per monthly active user.
     *
     * @default the stage profile's ({@link StageProfile#getCognitoFeaturePlan()}), else FeaturePlan.ESSENTIALS: no
     *     per-user charge for a pool that may exist only to sign in a few users; choose PLUS for production users
     */
    public FeaturePlan getFeaturePlan() {
        return featurePlan;
    }

    /**
     * Minimum password length; passwords also need lower and upper case, digits and symbols.
     *
     * @default 12
     */
    public Number getPasswordMinLength() {
        return passwordMinLength;
    }

    /**
     * Whether the app client also accepts USER_PASSWORD_AUTH (the password sent over TLS rather than SRP), for
     * command-line tools and tests. Browser apps should use SRP.
     *
     * @default false
     */
    public Boolean getAllowPasswordAuth() {
        return allowPasswordAuth;
    }

    /**
     * What happens to the user pool when the stack is deleted.
     *
     * @default the stage profile's, else RemovalPolicy.RETAIN
     */
    public RemovalPolicy getRemovalPolicy() {
        return removalPolicy;
    }

    /**
     * Whether Cognito refuses to delete the user pool.
     *
     * @default the stage profile's, else true when the removal policy is RETAIN, false otherwise
     */
    public Boolean getDeletionProtection() {
        return deletionProtection;
    }

    /**
     * Where the directory's alarms notify.
     *
     * @default alarms are created without actions
     */
    public IOperations getOperations() {
        return operations;
    }

    /**
     * Throttled sign-ins in five minutes that raise the sign-in throttles alarm (at least this many; greater than 0).
     *
     * @default 1
     */
    public Number getSignInThrottleAlarmThreshold() {
        return signInThrottleAlarmThreshold;
    }

    /** Builder of {@link UserDirectoryProps}. */
    public static final class Builder {
        private Boolean selfSignUpEnabled;
        private List<String> groups;
        private Mfa mfa;
        private FeaturePlan featurePlan;
        private Number passwordMinLength;
        private Boolean allowPasswordAuth;
        private RemovalPolicy removalPolicy;
        private Boolean deletionProtection;
        private IOperations operations;
        private Number signInThrottleAlarmThreshold;

        public Builder selfSignUpEnabled(Boolean selfSignUpEnabled) {
            this.selfSignUpEnabled = selfSignUpEnabled;
            return this;
        }

        public Builder groups(List<String> groups) {
            this.groups = groups;
            return this;
        }

        public Builder mfa(Mfa mfa) {
            this.mfa = mfa;
            return this;
        }

        public Builder featurePlan(FeaturePlan featurePlan) {
            this.featurePlan = featurePlan;
            return this;
        }

        public Builder passwordMinLength(Number passwordMinLength) {
            this.passwordMinLength = passwordMinLength;
            return this;
        }

        public Builder allowPasswordAuth(Boolean allowPasswordAuth) {
            this.allowPasswordAuth = allowPasswordAuth;
            return this;
        }

        public Builder removalPolicy(RemovalPolicy removalPolicy) {
            this.removalPolicy = removalPolicy;
            return this;
        }

        public Builder deletionProtection(Boolean deletionProtection) {
            this.deletionProtection = deletionProtection;
            return this;
        }

        public Builder operations(IOperations operations) {
            this.operations = operations;
            return this;
        }

        public Builder signInThrottleAlarmThreshold(Number signInThrottleAlarmThreshold) {
            this.signInThrottleAlarmThreshold = signInThrottleAlarmThreshold;
            return this;
        }

        public UserDirectoryProps build() {
            return new UserDirectoryProps(this);
        }
    }
}
