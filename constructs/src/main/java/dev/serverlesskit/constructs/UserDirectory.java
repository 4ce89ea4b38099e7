package dev.serverlesskit.constructs;

import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cognito.AccountRecovery;
import software.amazon.awscdk.services.cognito.AuthFlow;
import software.amazon.awscdk.services.cognito.AutoVerifiedAttrs;
import software.amazon.awscdk.services.cognito.CfnUserPoolGroup;
import software.amazon.awscdk.services.cognito.FeaturePlan;
import software.amazon.awscdk.services.cognito.IUserPool;
import software.amazon.awscdk.services.cognito.Mfa;
import software.amazon.awscdk.services.cognito.MfaSecondFactor;
import software.amazon.awscdk.services.cognito.PasswordPolicy;
import software.amazon.awscdk.services.cognito.SignInAliases;
import software.amazon.awscdk.services.cognito.StandardAttribute;
import software.amazon.awscdk.services.cognito.StandardAttributes;
import software.amazon.awscdk.services.cognito.StandardThreatProtectionMode;
import software.amazon.awscdk.services.cognito.UserPool;
import software.amazon.awscdk.services.cognito.UserPoolClient;
import software.amazon.awscdk.services.cognito.UserPoolClientOptions;
import software.constructs.Construct;

/**
 * A Cognito user pool for the users of an application, with an app client for a browser app.
 *
 * <p>Defaults: sign-in with a verified email, a strong password policy (12+ characters, all character classes),
 * optional TOTP MFA, account recovery by email only, the Essentials feature plan (PLUS, with threat protection enforced, by choice or stage profile),
 * RETAIN with deletion protection. The app client has no secret (a browser cannot keep one), uses SRP and
 * refresh tokens, hides whether a user exists, and revokes refresh tokens on sign-out; OAuth and the hosted UI
 * are off.
 *
 * <p>Alarm: throttled sign-ins.
 */
public class UserDirectory extends Construct implements IUserDirectory {
    private static final Pattern GROUP_NAME = Pattern.compile("[A-Za-z0-9_+=.@-]{1,128}");

    private final UserPool userPool;
    private final UserPoolClient userPoolClient;
    private final Map<String, CfnUserPoolGroup> groups = new LinkedHashMap<>();
    private final List<Alarm> alarms;

    public UserDirectory(Construct scope, String id, UserDirectoryProps props) {
        super(scope, id);
        UserDirectoryProps p = props == null ? UserDirectoryProps.builder().build() : props;
        StageProfile profile = StageProfile.of(this);
        RemovalPolicy removalPolicy = Check.removalPolicy(this, "UserDirectoryProps.removalPolicy", p.getRemovalPolicy(),
                profile.getRemovalPolicy(), RemovalPolicy.RETAIN);
        boolean deletionProtection = Check.or(p.getDeletionProtection(), profile.getDeletionProtection(),
                removalPolicy == RemovalPolicy.RETAIN);
        Mfa mfa = Check.or(p.getMfa(), Mfa.OPTIONAL);
        FeaturePlan plan = Check.or(p.getFeaturePlan(), profile.getCognitoFeaturePlan(), FeaturePlan.ESSENTIALS);
        Number minLength = Check.wholeBetween(this, "UserDirectoryProps.passwordMinLength",
                Check.or(p.getPasswordMinLength(), 12), 8, 99);
        Check.that(this, !Check.isToken(minLength), "UserDirectoryProps.passwordMinLength cannot be a token:"
                + " aws-cdk-lib's UserPool checks it at synthesis");

        this.userPool = UserPool.Builder.create(this, "UserPool")
                .selfSignUpEnabled(Boolean.TRUE.equals(p.getSelfSignUpEnabled()))
                .signInAliases(SignInAliases.builder().email(true).build())
                .autoVerify(AutoVerifiedAttrs.builder().email(true).build())
                .standardAttributes(StandardAttributes.builder()
                        .email(StandardAttribute.builder().required(true).mutable(true).build())
                        .build())
                .passwordPolicy(PasswordPolicy.builder()
                        .minLength(minLength)
                        .requireLowercase(true)
                        .requireUppercase(true)
                        .requireDigits(true)
                        .requireSymbols(true)
                        .tempPasswordValidity(Duration.days(3))
                        .build())
                .mfa(mfa)
                .mfaSecondFactor(mfa == Mfa.OFF ? null : MfaSecondFactor.builder().otp(true).sms(false).build())
                .accountRecovery(AccountRecovery.EMAIL_ONLY)
                .featurePlan(plan)
                .standardThreatProtectionMode(plan == FeaturePlan.PLUS ? StandardThreatProtectionMode.FULL_FUNCTION : null)
                .removalPolicy(removalPolicy)
                .deletionProtection(deletionProtection)
                .build();

        this.userPoolClient = userPool.addClient("WebClient", UserPoolClientOptions.builder()
                .generateSecret(false)
                .authFlows(AuthFlow.builder()
                        .userSrp(true)
                        .userPassword(Boolean.TRUE.equals(p.getAllowPasswordAuth()))
                        .build())
                .disableOAuth(true)
                .preventUserExistenceErrors(true)
                .enableTokenRevocation(true)
                .accessTokenValidity(Duration.hours(1))
                .idTokenValidity(Duration.hours(1))
                .refreshTokenValidity(Duration.days(30))
                .build());

        for (String group : Check.or(p.getGroups(), List.<String>of())) {
            Check.matches(this, "UserDirectoryProps.groups", group, GROUP_NAME,
                    "must hold names of 1 to 128 letters, digits or _+=.@- (no ',': API Gateway passes a token's"
                            + " groups to the function as one comma-separated claim)");
            Check.that(this, !groups.containsKey(group), "UserDirectoryProps.groups lists '" + group + "' twice");
            groups.put(group, CfnUserPoolGroup.Builder.create(this, "Group-" + group)
                    .userPoolId(userPool.getUserPoolId())
                    .groupName(group)
                    .description("Members get '" + group + "' in their cognito:groups claim")
                    .build());
        }

        if (mfa != Mfa.REQUIRED) {
            NagAcknowledgments.acknowledge(userPool, "AwsSolutions-COG2",
                    "MFA is " + mfa + " by the owner's choice (UserDirectoryProps.mfa): users enrol TOTP"
                            + " themselves; set Mfa.REQUIRED where every user must.");
        }
        if (plan != FeaturePlan.PLUS) {
            NagAcknowledgments.acknowledge(userPool, "AwsSolutions-COG8",
                    "The " + plan + " feature plan (UserDirectoryProps.featurePlan or the stage profile; the library"
                            + " default, as PLUS is billed per monthly active user) trades Cognito threat protection"
                            + " for cost; choose PLUS where compromised credentials and adaptive authentication"
                            + " matter.");
        }

        AlarmFactory alarmFactory = new AlarmFactory(this, p.getOperations());
        alarmFactory.atLeast("SignInThrottlesAlarm", Metric.Builder.create()
                        .namespace("AWS/Cognito")
                        .metricName("SignInThrottles")
                        .dimensionsMap(new TreeMap<>(Map.of(
                                "UserPool", userPool.getUserPoolId(),
                                "UserPoolClient", userPoolClient.getUserPoolClientId())))
                        .statistic("Sum")
                        .period(Duration.minutes(5))
                        .build(),
                Check.positiveThreshold(this, "UserDirectoryProps.signInThrottleAlarmThreshold",
                        Check.or(p.getSignInThrottleAlarmThreshold(), 1)),
                "Cognito throttled sign-ins");
        this.alarms = alarmFactory.alarms();
    }

    /**
     * The name of a group this directory created, checked: use it when declaring group-only routes.
     *
     * @throws IllegalArgumentException when the directory has no such group
     */
    public String group(String name) {
        Check.that(this, groups.containsKey(name), "UserDirectory has no group '" + name
                + "' (groups: " + groups.keySet() + ")");
        return name;
    }

    /**
     * A user pool this app did not create (another stack's, the organisation's), for {@link ServerlessApi}: its
     * groups cannot be read at synthesis, so name those routes may require; a route naming another fails synthesis.
     *
     * @param groups the names of groups that exist in the pool
     */
    public static IUserDirectory fromUserPool(Construct scope, String id, IUserPool userPool, List<String> groups) {
        return new ImportedUserDirectory(scope, id, userPool, groups);
    }

    @Override
    public Set<String> getGroupNames() {
        return Collections.unmodifiableSet(new TreeSet<>(groups.keySet()));
    }

    /** An imported user pool. */
    private static final class ImportedUserDirectory extends Construct implements IUserDirectory {
        private final IUserPool userPool;
        private final Set<String> groupNames = new TreeSet<>();

        ImportedUserDirectory(Construct scope, String id, IUserPool userPool, List<String> groups) {
            super(scope, id);
            this.userPool = Check.required(this, "UserDirectory.fromUserPool(userPool)", userPool);
            for (String group : Check.or(groups, List.<String>of())) {
                Check.matches(this, "UserDirectory.fromUserPool(groups)", group, GROUP_NAME,
                        "must hold names of 1 to 128 letters, digits or _+=.@-");
                groupNames.add(group);
            }
        }

        @Override
        public IUserPool getUserPool() {
            return userPool;
        }

        @Override
        public Set<String> getGroupNames() {
            return Collections.unmodifiableSet(groupNames);
        }
    }

    @Override
    public UserPool getUserPool() {
        return userPool;
    }

    /** The browser app client: no secret, SRP sign-in. */
    public UserPoolClient getUserPoolClient() {
        return userPoolClient;
    }

    /** The groups, by name. */
    public Map<String, CfnUserPoolGroup> getGroups() {
        return Collections.unmodifiableMap(groups);
    }

    public List<Alarm> getAlarms() {
        return alarms;
    }
}
