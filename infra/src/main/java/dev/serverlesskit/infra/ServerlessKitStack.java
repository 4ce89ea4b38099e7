package dev.serverlesskit.infra;

import dev.serverlesskit.constructs.DeploymentPreference;
import dev.serverlesskit.constructs.Operations;
import dev.serverlesskit.constructs.OperationsProps;
import dev.serverlesskit.constructs.ServerlessApi;
import dev.serverlesskit.constructs.ServerlessApiProps;
import dev.serverlesskit.constructs.UserDirectory;
import dev.serverlesskit.constructs.UserDirectoryProps;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.codedeploy.LambdaApplication;
import software.amazon.awscdk.services.lambda.Code;
import software.constructs.Construct;

/**
 * The reference application in one stack: the shared user directory, API and operations hub, and the two
 * domains built on them ({@link PetStore}, {@link AdClicks}). One stack per stage keeps alarms, dashboard and the
 * resources they watch free of cross-stack reference cycles.
 */
public class ServerlessKitStack extends Stack {
    /** The user pool group allowed to add pets and read campaign stats. */
    public static final String ADMIN_GROUP = "admins";

    private final Operations operations;
    private final UserDirectory users;
    private final ServerlessApi api;
    private final PetStore petStore;
    private final AdClicks adClicks;
    private final LambdaApplication deployments;

    public ServerlessKitStack(Construct scope, String id, StackProps props, StageConfig config,
                              Map<FunctionJars.Group, Code> functionsCode) {
        super(scope, id, props);

        this.operations = new Operations(this, "Operations", OperationsProps.builder()
                .alarmEmails(config.alarmEmails())
                .pagingEnabled(config.paging())
                .removalPolicy(config.removalPolicy())
                .build());

        this.users = new UserDirectory(this, "Users", UserDirectoryProps.builder()
                .selfSignUpEnabled(true)
                .groups(List.of(ADMIN_GROUP))
                .mfa(config.mfa())
                .allowPasswordAuth(config.allowPasswordAuth())
                .removalPolicy(config.removalPolicy())
                .operations(operations)
                .build());

        this.api = new ServerlessApi(this, "Api", ServerlessApiProps.builder()
                .userDirectory(users)
                .apiName(config.name() + "-serverless-kit")
                .throttlingRateLimit(config.apiRateLimit())
                .throttlingBurstLimit(config.apiBurstLimit())
                .corsAllowOrigins(config.corsAllowOrigins())
                .corsAllowHeaders(List.of("Content-Type", "Authorization", "Idempotency-Key", "X-Correlation-Id"))
                .accessLogRetention(config.logRetention())
                .logRemovalPolicy(config.removalPolicy())
                .operations(operations)
                .build());

        Map<String, String> common = new TreeMap<>();
        if (!config.corsAllowOrigins().isEmpty()) {
            // every allowed origin: a response names the request's own origin when it is one of them
            common.put("CORS_ALLOW_ORIGINS", String.join(",", config.corsAllowOrigins()));
        }
        // one CodeDeploy application for the stage's functions: each has its own deployment group on its alias
        this.deployments = new LambdaApplication(this, "Deployments");
        DeploymentPreference deployment = DeploymentPreference.builder()
                .trafficShifting(config.deployment())
                .application(deployments)
                .build();
        FunctionFactory functions = new FunctionFactory(functionsCode, config, operations, common, deployment);

        this.petStore = new PetStore(this, "PetStore", api, functions, operations, config);
        this.adClicks = new AdClicks(this, "AdClicks", api, functions, operations, config);

        output("ApiUrl", api.getUrl(), "Base URL of the API");
        output("UserPoolId", users.getUserPool().getUserPoolId(), "Cognito user pool");
        output("UserPoolClientId", users.getUserPoolClient().getUserPoolClientId(), "App client for sign-in");
        output("ClicksQueueUrl", adClicks.getWorker().getQueue().getQueueUrl(), "Queue of accepted clicks");
        output("ClicksDeadLetterQueueUrl", adClicks.getWorker().getDeadLetterQueue().getQueueUrl(),
                "Clicks that failed processing");
        output("AlarmTopicArn", operations.getTopic().getTopicArn(), "Topic every alarm notifies");
    }

    private void output(String id, String value, String description) {
        CfnOutput.Builder.create(this, id).value(value).description(description).build();
    }

    public Operations getOperations() {
        return operations;
    }

    public UserDirectory getUsers() {
        return users;
    }

    public ServerlessApi getApi() {
        return api;
    }

    public PetStore getPetStore() {
        return petStore;
    }

    public AdClicks getAdClicks() {
        return adClicks;
    }

    /** The CodeDeploy application holding every function's deployment group. */
    public LambdaApplication getDeployments() {
        return deployments;
    }
}
