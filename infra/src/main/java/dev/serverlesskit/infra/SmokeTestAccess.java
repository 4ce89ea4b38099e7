package dev.serverlesskit.infra;

import dev.serverlesskit.constructs.UserDirectory;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Acknowledgment;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.services.cognito.AuthFlow;
import software.amazon.awscdk.services.cognito.UserPoolClient;
import software.amazon.awscdk.services.iam.AccountPrincipal;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.secretsmanager.SecretStringGenerator;
import software.constructs.Construct;

/**
 * What the pipeline's smoke tests need in a stage before prod ({@link DeliveryPipeline} runs them after the stage
 * deploys): two test users' secrets (username and a password Secrets Manager generates: never in the repository),
 * an app client that only IAM-signed admin sign-in can use, and a role that the pipeline's smoke step (and nothing
 * else in the tools account) may assume.
 *
 * <p>The role may only read those two secrets and, on this user pool, create a user, set its password, add it to a
 * group and sign it in through the admin flow: the smoke run ({@code SmokeRun}) makes sure its users exist with the
 * secrets' passwords (the admin in {@value ServerlessKitStack#ADMIN_GROUP}) before signing in, so a new or rotated
 * secret takes effect on the next run. No custom resource is involved: CloudFormation cannot pass a secret's value
 * to one.
 */
public class SmokeTestAccess extends Construct {
    static final String BUYER = "smoke-buyer@example.com";
    static final String ADMIN = "smoke-admin@example.com";
    static final List<String> COGNITO_ACTIONS = List.of("cognito-idp:AdminAddUserToGroup",
            "cognito-idp:AdminCreateUser", "cognito-idp:AdminInitiateAuth", "cognito-idp:AdminSetUserPassword");

    private final Secret buyerSecret;
    private final Secret adminSecret;
    private final UserPoolClient client;
    private final Role role;

    /** Whether the pipeline runs smoke tests after this stage: every stage before prod. */
    public static boolean runsAfter(StageConfig stage) {
        return !stage.name().equals("prod");
    }

    /**
     * The name of the role in the stage account that the smoke step assumes: it starts with the stage's stack name,
     * like the roles CloudFormation names, so a deploy policy scoped to those covers it.
     */
    static String accessRoleName(String stage) {
        return stage + "-serverless-kit-smoke-tests";
    }

    /** The name of the smoke step's own role in the tools account (the only principal the access role trusts). */
    static String stepRoleName(String stage) {
        return "serverless-kit-pipeline-smoke-" + stage;
    }

    public SmokeTestAccess(Construct scope, String id, StageConfig stage, PipelineConfig pipeline,
                           UserDirectory users) {
        super(scope, id);
        this.buyerSecret = secret("BuyerSecret", BUYER, "buyer", stage);
        this.adminSecret = secret("AdminSecret", ADMIN, "admin (group " + ServerlessKitStack.ADMIN_GROUP + ")", stage);

        // ADMIN_USER_PASSWORD_AUTH only: signing in through this client is the IAM-signed AdminInitiateAuth, which
        // only the role below may call; browsers and apps keep using the stage's own client
        this.client = UserPoolClient.Builder.create(this, "Client")
                .userPool(users.getUserPool())
                .userPoolClientName(stage.name() + "-smoke-tests")
                .generateSecret(false)
                .authFlows(AuthFlow.builder().adminUserPassword(true).build())
                .disableOAuth(true)
                .preventUserExistenceErrors(true)
                .enableTokenRevocation(true)
                .accessTokenValidity(Duration.minutes(15))
                .idTokenValidity(Duration.minutes(15))
                .refreshTokenValidity(Duration.minutes(60))
                .build();

        String stepRoleArn = "arn:aws:iam::" + pipeline.account() + ":role/" + stepRoleName(stage.name());
        this.role = Role.Builder.create(this, "Role")
                .roleName(accessRoleName(stage.name()))
                .description("Assumed by the pipeline's smoke tests after " + stage.name() + " deploys")
                .maxSessionDuration(Duration.hours(1))
                // the tools account, and in it only the smoke step's role (not the whole account)
                .assumedBy(new AccountPrincipal(pipeline.account()).withConditions(Map.of(
                        "ArnEquals", Map.of("aws:PrincipalArn", stepRoleArn))))
                .inlinePolicies(Map.of("SmokeTests", PolicyDocument.Builder.create()
                        .statements(List.of(
                                PolicyStatement.Builder.create()
                                        .actions(List.of("secretsmanager:GetSecretValue"))
                                        .resources(List.of(buyerSecret.getSecretArn(), adminSecret.getSecretArn()))
                                        .build(),
                                PolicyStatement.Builder.create()
                                        .actions(COGNITO_ACTIONS)
                                        .resources(List.of(users.getUserPool().getUserPoolArn()))
                                        .build()))
                        .build()))
                .build();
    }

    private Secret secret(String id, String username, String who, StageConfig stage) {
        Secret secret = Secret.Builder.create(this, id)
                .description("The " + stage.name() + " smoke tests' " + who + ": {\"username\", \"password\"}")
                .generateSecretString(SecretStringGenerator.builder()
                        .secretStringTemplate("{\"username\":\"" + username + "\"}")
                        .generateStringKey("password")
                        .passwordLength(32)
                        // every class the user pool's password policy requires (Cognito accepts each of Secrets
                        // Manager's punctuation characters as a symbol)
                        .requireEachIncludedType(true)
                        .build())
                .removalPolicy(stage.removalPolicy())
                .build();
        Validations.of(secret).acknowledge(Acknowledgment.builder().id("AwsSolutions-SMG4")
                .reason("The password only signs in a smoke-test user of this stage. It is rotated by putting a new"
                        + " value (docs/deploying.md): each smoke run sets the user's password from the secret, so"
                        + " no rotation function is needed.")
                .build());
        return secret;
    }

    public Secret getBuyerSecret() {
        return buyerSecret;
    }

    public Secret getAdminSecret() {
        return adminSecret;
    }

    /** The app client the smoke tests sign in through (admin flow only). */
    public UserPoolClient getClient() {
        return client;
    }

    /** The role the pipeline's smoke step assumes in the stage account. */
    public Role getRole() {
        return role;
    }
}
