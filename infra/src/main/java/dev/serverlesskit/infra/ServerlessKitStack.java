package dev.serverlesskit.infra;

import dev.serverlesskit.constructs.ClientRateLimit;
import dev.serverlesskit.constructs.DeploymentPreference;
import dev.serverlesskit.constructs.JavaFunction;
import dev.serverlesskit.constructs.JavaFunctionProps;
import dev.serverlesskit.constructs.Operations;
import dev.serverlesskit.constructs.OperationsProps;
import dev.serverlesskit.constructs.ServerlessApi;
import dev.serverlesskit.constructs.ServerlessApiProps;
import dev.serverlesskit.constructs.UserDirectory;
import dev.serverlesskit.constructs.UserDirectoryProps;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awscdk.Acknowledgment;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.cognito.FeaturePlan;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.services.codedeploy.LambdaApplication;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.iam.PolicyStatement;
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
    private final JavaFunction preTrafficHook;
    private final JavaFunction syntheticCheck;
    private final SmokeTestAccess smokeTests;
    private final Map<String, CfnOutput> outputs = new TreeMap<>();
    /** How often the synthetic check runs. */
    static final int SYNTHETIC_CHECK_MINUTES = 5;
    /** Reserved concurrency of the pre-traffic hook: at least the number of functions it checks. */
    static final int HOOK_CONCURRENCY = 8;

    /**
     * @param pipeline where the delivery pipeline runs: a stage before prod trusts its smoke step
     *                 ({@link SmokeTestAccess})
     */
    public ServerlessKitStack(Construct scope, String id, StackProps props, StageConfig config,
                              PipelineConfig pipeline, Map<FunctionJars.Group, Code> functionsCode) {
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
                // self sign-up is open: threat protection (compromised credentials, adaptive authentication) is worth
                // its per-user cost here, where the library's default is ESSENTIALS
                .featurePlan(FeaturePlan.PLUS)
                .operations(operations)
                .build());

        this.api = new ServerlessApi(this, "Api", ServerlessApiProps.builder()
                .userDirectory(users)
                .apiName(config.name() + "-serverless-kit")
                .throttlingRateLimit(config.apiRateLimit())
                .throttlingBurstLimit(config.apiBurstLimit())
                .clientRateLimit(ClientRateLimit.perClient(config.clientRateLimit(), Duration.minutes(5)))
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
        // one CodeDeploy application for the stage's functions: each has its own deployment group on its alias,
        // whose deployments call the pre-traffic hook before the new version gets traffic
        this.deployments = new LambdaApplication(this, "Deployments");
        this.preTrafficHook = new JavaFunction(this, "PreTrafficHook", JavaFunctionProps.builder()
                .handler(Handlers.PRE_TRAFFIC_HOOK + "::handleRequest")
                .code(functionsCode.get(FunctionJars.Group.DELIVERY))
                .serviceName("pre-traffic-hook")
                // one deployment per function may run at once, each calling the hook
                .reservedConcurrency(HOOK_CONCURRENCY)
                // invokes the new version (cold, up to its timeout) and reports: longer than any checked function's
                .timeout(Duration.minutes(2))
                .memorySize(512)
                // CodeDeploy invokes the function itself, never a published version
                .snapStart(false)
                .logRetention(config.logRetention())
                .logRemovalPolicy(config.removalPolicy())
                .operations(operations)
                .description("Checks each new version with a harmless request before CodeDeploy shifts traffic")
                .build());
        DeploymentPreference deployment = DeploymentPreference.builder()
                .trafficShifting(config.deployment())
                .application(deployments)
                .preTrafficHook(preTrafficHook.getFunction())
                .build();
        FunctionFactory functions = new FunctionFactory(functionsCode, config, operations, common, deployment);

        this.petStore = new PetStore(this, "PetStore", api, functions, operations, config);
        this.adClicks = new AdClicks(this, "AdClicks", api, functions, operations, config);
        configureHook(Map.of(
                petStore.getListPets(), "list-pets",
                petStore.getGetPet(), "get-pet",
                petStore.getAddPet(), "add-pet",
                petStore.getPurchasePet(), "purchase-pet",
                petStore.getListPurchases(), "list-purchases",
                adClicks.getRecordClick(), "record-click",
                adClicks.getCampaignStats(), "campaign-stats",
                adClicks.getWorker().getConsumer(), "process-clicks"));

        this.syntheticCheck = syntheticCheck(config, functionsCode.get(FunctionJars.Group.DELIVERY));

        output("ApiUrl", api.getUrl(), "Base URL of the API");
        output("UserPoolId", users.getUserPool().getUserPoolId(), "Cognito user pool");
        output("UserPoolClientId", users.getUserPoolClient().getUserPoolClientId(), "App client for sign-in");
        output("ClicksQueueUrl", adClicks.getWorker().getQueue().getQueueUrl(), "Queue of accepted clicks");
        output("ClicksDeadLetterQueueUrl", adClicks.getWorker().getDeadLetterQueue().getQueueUrl(),
                "Clicks that failed processing");
        output("AlarmTopicArn", operations.getTopic().getTopicArn(), "Topic every alarm notifies");

        this.smokeTests = SmokeTestAccess.runsAfter(config)
                ? new SmokeTestAccess(this, "SmokeTests", config, pipeline, users) : null;
        if (smokeTests != null) {
            output("SmokeClientId", smokeTests.getClient().getUserPoolClientId(),
                    "App client of the smoke tests (admin sign-in only)");
            output("SmokeBuyerSecretArn", smokeTests.getBuyerSecret().getSecretArn(), "Smoke tests' buyer");
            output("SmokeAdminSecretArn", smokeTests.getAdminSecret().getSecretArn(), "Smoke tests' admin");
        }
    }

    /**
     * Every {@value #SYNTHETIC_CHECK_MINUTES} minutes, checks the public routes from outside as a user would; a
     * failed check is a function error, which its errors alarm sends to the operations topic (a page in prod).
     */
    private JavaFunction syntheticCheck(StageConfig config, Code code) {
        JavaFunction check = new JavaFunction(this, "SyntheticCheck", JavaFunctionProps.builder()
                .handler(Handlers.SYNTHETIC_CHECK + "::handleRequest")
                .code(code)
                .serviceName("synthetic-check")
                .reservedConcurrency(1)
                .timeout(Duration.seconds(40))
                .memorySize(512)
                .snapStart(config.snapStart())
                .environment(Map.of("API_URL", api.getUrl()))
                .logRetention(config.logRetention())
                .logRemovalPolicy(config.removalPolicy())
                .operations(operations)
                .description("Checks the public routes of the API every " + SYNTHETIC_CHECK_MINUTES + " minutes")
                .build());
        Rule schedule = Rule.Builder.create(this, "SyntheticCheckSchedule")
                .description("Runs the synthetic check of the public routes")
                .schedule(Schedule.rate(Duration.minutes(SYNTHETIC_CHECK_MINUTES)))
                .targets(List.of(LambdaFunction.Builder.create(check.getAlias()).retryAttempts(0).build()))
                .build();
        Validations.of(schedule).acknowledge(Acknowledgment.builder().id("Serverless-EventBusDLQ")
                .reason("A check that could not run is not replayed: the next scheduled run, " + SYNTHETIC_CHECK_MINUTES
                        + " minutes later, checks the routes again, so a dead-letter queue would only hold stale runs.")
                .build());
        return check;
    }

    /**
     * Tells the hook what to check ({@code HOOK_TARGETS}: each function's new version, its probe and the deployment
     * group that deploys it) and lets it read which group a deployment belongs to. The library already granted it
     * {@code lambda:InvokeFunction} on exactly each new version and the status report on each group.
     */
    private void configureHook(Map<JavaFunction, String> probes) {
        if (probes.size() > HOOK_CONCURRENCY) {
            throw new IllegalStateException("the pre-traffic hook checks " + probes.size() + " functions but may run "
                    + HOOK_CONCURRENCY + " at once: raise HOOK_CONCURRENCY");
        }
        List<Map<String, String>> targets = new ArrayList<>();
        List<String> groups = new ArrayList<>();
        probes.entrySet().stream()
                .sorted(Comparator.comparing(e -> e.getKey().getNode().getPath()))
                .forEach(e -> {
                    JavaFunction fn = e.getKey();
                    // sorted keys: Map.of's order changes from one JVM to the next, and synthesis must not
                    targets.add(new TreeMap<>(Map.of("name", fn.getNode().getId().equals("Consumer")
                                    ? fn.getNode().getScope().getNode().getId() : fn.getNode().getId(),
                            "function", fn.getCurrentVersionArn(), "probe", e.getValue(),
                            "deploymentGroup", fn.getDeploymentGroup().getDeploymentGroupName())));
                    groups.add(fn.getDeploymentGroup().getDeploymentGroupArn());
                });
        preTrafficHook.getFunction().addEnvironment("HOOK_TARGETS", toJsonString(targets));
        preTrafficHook.getRole().addToPrincipalPolicy(PolicyStatement.Builder.create()
                .actions(List.of("codedeploy:GetDeployment"))
                .resources(groups)
                .build());
    }

    private void output(String id, String value, String description) {
        outputs.put(id, CfnOutput.Builder.create(this, id).value(value).description(description).build());
    }

    /** The stack output {@code id} (ApiUrl, UserPoolId, SmokeClientId, ...). */
    public CfnOutput getOutput(String id) {
        CfnOutput output = outputs.get(id);
        if (output == null) {
            throw new IllegalArgumentException("stack " + getNode().getPath() + " has no output '" + id + "' (outputs: "
                    + outputs.keySet() + ")");
        }
        return output;
    }

    /** What the pipeline's smoke tests use in this stage; null in a stage they do not run after (prod). */
    public SmokeTestAccess getSmokeTests() {
        return smokeTests;
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

    /** The scheduled check of the public routes. */
    public JavaFunction getSyntheticCheck() {
        return syntheticCheck;
    }

    /** The function CodeDeploy calls before shifting traffic to a new version of any of the app's functions. */
    public JavaFunction getPreTrafficHook() {
        return preTrafficHook;
    }
}
