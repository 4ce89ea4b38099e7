package dev.serverlesskit.local;

import dev.serverlesskit.local.StageModel.Route;
import dev.serverlesskit.local.gateway.EngineGateway;
import dev.serverlesskit.local.gateway.Faults;
import dev.serverlesskit.local.gateway.FaultsEndpoint;
import dev.serverlesskit.local.gateway.Service;
import dev.serverlesskit.local.iam.Access;
import dev.serverlesskit.local.iam.AccessLog;
import dev.serverlesskit.local.iam.CredentialsEndpoint;
import dev.serverlesskit.local.iam.IamModel;
import dev.serverlesskit.local.iam.Policies;
import dev.serverlesskit.local.iam.Sessions;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Runs one synthesized stage on this machine: reads {@code cdk.out}, starts the engines, creates the template's
 * tables, queues and user pool, hosts every function in its own class loader with its own role's credentials (the
 * engines are reached through IAM gateways that check each call against that role), serves the API and polls the
 * queues.
 *
 * <pre>
 * ./mvnw -q -pl local compile exec:java -Dstage=dev            (after npx cdk synth)
 * java -cp ... dev.serverlesskit.local.LocalRuntime --stage dev --cdk-out cdk.out [--port 3000] [--data .local-data]
 * </pre>
 */
public final class LocalRuntime implements AutoCloseable {
    public static final String ADMIN_USER = "admin@example.com";
    public static final String ADMIN_PASSWORD = "Admin#Local2026";
    public static final String TEST_USER = "user@example.com";
    public static final String TEST_PASSWORD = "User#Local2026";

    /**
     * @param port               API port (0 = any free port)
     * @param dataDir            keep DynamoDB and Cognito data here between runs (null = in memory)
     * @param retryDelaySeconds  failed SQS messages become visible again after this delay instead of the queue's
     *                           visibility timeout (null = as the template says)
     */
    public record Options(String stage, Path cdkOut, int port, Path dataDir, Path projectDir, Path logDir,
                          boolean echoFunctionLogs, Integer retryDelaySeconds, boolean quiet) {
        public static Options defaults(String stage, Path cdkOut, Path projectDir) {
            return new Options(stage, cdkOut, 3000, null, projectDir, cdkOut.resolve("local-logs"), false, null,
                    false);
        }

        public Options withPort(int p) {
            return new Options(stage, cdkOut, p, dataDir, projectDir, logDir, echoFunctionLogs, retryDelaySeconds,
                    quiet);
        }

        public Options withRetryDelaySeconds(Integer s) {
            return new Options(stage, cdkOut, port, dataDir, projectDir, logDir, echoFunctionLogs, s, quiet);
        }

        public Options withQuiet(boolean q) {
            return new Options(stage, cdkOut, port, dataDir, projectDir, logDir, echoFunctionLogs, retryDelaySeconds,
                    q);
        }
    }

    private final Options options;
    private final List<AutoCloseable> started = new ArrayList<>();
    private final Map<String, FunctionHost> functions = new LinkedHashMap<>();
    private final List<String> invocationLog = java.util.Collections.synchronizedList(new ArrayList<>());
    private StageModel model;
    private Engines engines;
    private Provisioner provisioner;
    private IntrinsicResolver resolver;
    private DeploymentEndpoint deploymentEndpoint;
    private ApiServer api;
    private WebAcl webAcl;
    private long startupMillis;
    private final AccessLog accessLog = new AccessLog();
    private Access access;
    private Sessions sessions;
    private final Map<String, Sessions.Session> sessionOf = new LinkedHashMap<>();
    private CredentialsEndpoint credentials;
    private final Map<Service, EngineGateway> gateways = new java.util.EnumMap<>(Service.class);
    private final Faults faults = new Faults(1, this::logLine);

    private LocalRuntime(Options options) {
        this.options = options;
    }

    public static LocalRuntime start(Options options) {
        LocalRuntime runtime = new LocalRuntime(options);
        try {
            runtime.boot();
            return runtime;
        } catch (RuntimeException | IOException e) {
            runtime.close();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    private void boot() throws IOException {
        long t0 = System.nanoTime();
        Engines.nodeModules(options.projectDir());
        CloudAssembly assembly = CloudAssembly.load(options.cdkOut(), options.stage());
        model = TemplateReader.read(assembly);
        Files.createDirectories(options.logDir());
        FunctionOutput.install();

        engines = Engines.start(options.projectDir(), options.dataDir(), options.logDir(), model.region());
        started.add(engines);
        provisioner = new Provisioner(model, engines);
        started.add(provisioner);
        IntrinsicResolver resolver = provisioner.provision();
        createTestUsers();

        access = new Access(IamModel.read(model.template(), resolver), accessLog);
        sessions = new Sessions(Engines.LOCAL_ACCOUNT, model.region());
        credentials = new CredentialsEndpoint(sessions, this::logLine);
        started.add(credentials);
        Service.Arns arns = new Service.Arns(model.region(), Engines.LOCAL_ACCOUNT);
        for (var e : Map.of(Service.DYNAMODB, engines.dynamoEndpoint(), Service.SQS, engines.sqsEndpoint(),
                Service.COGNITO_IDP, engines.cognitoEndpoint()).entrySet()) {
            EngineGateway g = new EngineGateway(e.getKey(), e.getValue(), sessions, access, arns, faults,
                    this::logLine);
            gateways.put(e.getKey(), g);
            started.add(g);
        }

        faults.control(new Faults.Control() {
            @Override
            public int crash(String function) {
                return functionLike(function).crash();
            }

            @Override
            public void kill(Service service) {
                engines.kill(service.signingName());
            }

            @Override
            public void restart(Service service) {
                engines.restart(service.signingName());
            }
        });

        deploymentEndpoint = new DeploymentEndpoint(sessions, model.region(), access, this::functionByName,
                this::logLine);
        started.add(deploymentEndpoint);
        this.resolver = resolver;

        for (StageModel.Function f : model.functions()) {
            String name = resolver.resolveString(Json.MAPPER.createObjectNode().put("Ref", f.logicalId()));
            String arn = resolver.resolveString(Json.MAPPER.createObjectNode().set("Fn::GetAtt",
                    Json.MAPPER.createArrayNode().add(f.logicalId()).add("Arn")));
            FunctionHost host = new FunctionHost(f, name, arn, environment(f, name, resolver),
                    FunctionOutput.forFunction(options.logDir().resolve("functions").resolve(f.shortName() + ".log"),
                            f.shortName(), options.echoFunctionLogs()));
            host.reportSnapStartHazardsTo(this::logLine);
            functions.put(f.logicalId(), host);
            started.add(host);
        }
        for (StageModel.EventSourceMapping m : model.eventSourceMappings()) {
            String url = provisioner.queueUrl(m.queue());
            String arn = resolver.resolveString(Json.MAPPER.createObjectNode().set("Fn::GetAtt",
                    Json.MAPPER.createArrayNode().add(m.queue()).add("Arn")));
            SqsClient poller = pollerClient(m, url, arn);
            started.add(poller);
            started.add(new QueuePoller(m, url, arn, model.region(), poller, provisioner.sqs(),
                    functions.get(m.function()), options.retryDelaySeconds(), this::logLine));
        }
        if (model.api().isPresent()) {
            StageModel.Api apiModel = model.api().get();
            webAcl = WebAcl.read(model.template(), this::logLine, System::currentTimeMillis).orElse(null);
            api = new ApiServer(apiModel, webAcl, functions, authorizer -> authorizer.userPools().stream()
                    .map(pool -> new JwtVerifier.Pool(engines.cognitoEndpoint() + "/" + provisioner.userPoolId(pool),
                            model.userPoolClients().stream().filter(c -> pool.equals(c.userPool()))
                                    .map(c -> provisioner.clientId(c.logicalId())).collect(Collectors.toSet())))
                    .toList(), sessions, access, model.region(), options.port(), this::logLine);
            started.add(api);
        }
        startupMillis = (System.nanoTime() - t0) / 1_000_000;
        writeState(null);
        if (!options.quiet()) {
            banner(assembly);
        }
    }

    /**
     * What Lambda checks when an SQS event source mapping is created, with the function's role: that the role may
     * receive and delete the queue's messages and read its attributes, and that the queue's visibility timeout is
     * not shorter than the function's timeout. The poller then calls SQS as Lambda's does, signed with the function's
     * role session, through the SQS gateway.
     */
    private SqsClient pollerClient(StageModel.EventSourceMapping m, String url, String queueArn) {
        StageModel.Function f = model.function(m.function());
        Sessions.Session s = sessionOf.get(f.logicalId());
        List<String> missing = access.missing(s, List.of("sqs:ReceiveMessage", "sqs:DeleteMessage",
                "sqs:GetQueueAttributes"), queueArn);
        if (!missing.isEmpty()) {
            throw new IllegalStateException("Event source mapping " + m.logicalId()
                    + ": InvalidParameterValueException: The provided execution role does not have permissions to call "
                    + missing.get(0).substring("sqs:".length()) + " on SQS (role " + s.role().name() + ", missing "
                    + missing + " on " + queueArn + ")");
        }
        SqsClient client = SqsClient.builder().region(Region.of(model.region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsSessionCredentials.create(s.accessKeyId(),
                        s.secretAccessKey(), s.sessionToken())))
                .endpointOverride(java.net.URI.create(gateways.get(Service.SQS).endpoint()))
                .httpClient(UrlConnectionHttpClient.create()).build();
        int visibility = Integer.parseInt(client.getQueueAttributes(b -> b.queueUrl(url)
                .attributeNames(QueueAttributeName.VISIBILITY_TIMEOUT)).attributes()
                .get(QueueAttributeName.VISIBILITY_TIMEOUT));
        if (visibility < f.timeoutSeconds()) {
            client.close();
            throw new IllegalStateException("Event source mapping " + m.logicalId()
                    + ": InvalidParameterValueException: Queue visibility timeout: " + visibility
                    + " seconds is less than Function timeout: " + f.timeoutSeconds() + " seconds");
        }
        return client;
    }

    /**
     * The environment Lambda would give the function: its template variables resolved to local names, Lambda's
     * reserved variables, its role's credentials (access-key variables, or for SnapStart the container credentials
     * endpoint and its token), and as endpoints the gateways in front of the local engines (the AWS SDK's standard
     * endpoint variables; any other AWS service goes to a closed loopback port, so nothing ever leaves this machine).
     */
    private Map<String, String> environment(StageModel.Function f, String name, IntrinsicResolver resolver) {
        Map<String, String> env = new TreeMap<>();
        env.put("AWS_REGION", model.region());
        env.put("AWS_DEFAULT_REGION", model.region());
        env.put("AWS_LAMBDA_FUNCTION_NAME", name);
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(f.memoryMb()));
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + name);
        env.put("AWS_LAMBDA_LOG_STREAM_NAME", "local");
        env.putAll(f.loggingEnvironment());
        env.put("AWS_LAMBDA_INITIALIZATION_TYPE", f.snapStart() ? "snap-start" : "on-demand");
        env.put("AWS_EXECUTION_ENV", "AWS_Lambda_" + f.runtime());
        env.put("_HANDLER", f.handlerClass() + "::" + f.handlerMethod());
        env.put("LAMBDA_TASK_ROOT", f.codeJar().getParent().toString());
        env.put("TZ", ":UTC");
        env.put("LANG", "en_US.UTF-8");
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        Sessions.Session session = sessions.issue(f.logicalId(), name, roleOf(f));
        sessionOf.put(f.logicalId(), session);
        if (f.snapStart()) {
            // SnapStart: no access-key variables (they would expire in the snapshot); the runtime's SDK reads these
            env.put("AWS_CONTAINER_CREDENTIALS_FULL_URI", credentials.uri());
            env.put("AWS_CONTAINER_AUTHORIZATION_TOKEN", session.containerToken());
        } else {
            env.put("AWS_ACCESS_KEY_ID", session.accessKeyId());
            env.put("AWS_SECRET_ACCESS_KEY", session.secretAccessKey());
            env.put("AWS_SESSION_TOKEN", session.sessionToken());
        }
        env.put("AWS_CONFIG_FILE", "/dev/null");
        env.put("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
        env.put("AWS_ENDPOINT_URL", "http://127.0.0.1:9");
        env.put("AWS_ENDPOINT_URL_DYNAMODB", gateways.get(Service.DYNAMODB).endpoint());
        env.put("AWS_ENDPOINT_URL_SQS", gateways.get(Service.SQS).endpoint());
        env.put("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", gateways.get(Service.COGNITO_IDP).endpoint());
        // what a deployment's hook calls: Lambda (to invoke a new version) and CodeDeploy (to report)
        env.put("AWS_ENDPOINT_URL_LAMBDA", deploymentEndpoint.endpoint());
        env.put("AWS_ENDPOINT_URL_CODEDEPLOY", deploymentEndpoint.endpoint());
        f.environment().forEach((k, v) -> {
            try {
                env.put(k, resolver.resolveString(v));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("Environment variable " + k + " of " + f.logicalId() + ": "
                        + e.getMessage(), e);
            }
        });
        return env;
    }

    /** The function's execution role; one outside the template has no statements here (every call is refused). */
    private IamModel.Role roleOf(StageModel.Function f) {
        IamModel.Role role = f.role() == null ? null : access.iam().role(f.role());
        if (role != null) {
            return role;
        }
        String note = "the execution role of " + f.logicalId() + " is not in the template: its policies cannot be"
                + " evaluated locally";
        return new IamModel.Role(String.valueOf(f.role()), f.shortName() + "-external-role",
                "arn:aws:iam::" + Engines.LOCAL_ACCOUNT + ":role/" + f.shortName() + "-external-role", "AROAEXTERNAL",
                new Policies(List.of(), null, List.of(note)));
    }

    private void createTestUsers() {
        for (StageModel.UserPool pool : model.userPools()) {
            String id = provisioner.userPoolId(pool.logicalId());
            String[] groups = model.groups().stream().filter(g -> pool.logicalId().equals(g.userPool()))
                    .map(StageModel.Group::groupName).toArray(String[]::new);
            provisioner.cognito().adminCreateUser(id, ADMIN_USER, ADMIN_PASSWORD, groups);
            provisioner.cognito().adminCreateUser(id, TEST_USER, TEST_PASSWORD);
        }
    }

    /**
     * Where this run serves what, in {@code <log dir>/runtime.json}, for tools run beside it ({@code scripts/redrive}):
     * the stage, region, API URL and engine endpoints (the engines' own, not the IAM gateways).
     */
    private void writeState(String faultsUrl) {
        var state = Json.MAPPER.createObjectNode().put("stage", options.stage()).put("region", model.region())
                .put("api", apiUrl()).put("sqs", engines.sqsEndpoint()).put("dynamodb", engines.dynamoEndpoint())
                .put("cognito", engines.cognitoEndpoint());
        if (!model.userPoolClients().isEmpty()) {
            state.put("userPoolId", userPoolId()).put("clientId", clientId());
        }
        var queues = state.putObject("queues");
        model.queues().forEach(q -> queues.put(q.logicalId(), provisioner.queueUrl(q.logicalId())));
        if (faultsUrl != null) {
            state.put("faults", faultsUrl);
        }
        try {
            Files.writeString(options.logDir().resolve("runtime.json"), Json.MAPPER.writerWithDefaultPrettyPrinter()
                    .writeValueAsString(state));
        } catch (IOException e) {
            logLine("could not write " + options.logDir().resolve("runtime.json") + ": " + e.getMessage());
        }
    }

    private synchronized void logLine(String line) {
        invocationLog.add(line);
        if (!options.quiet()) {
            FunctionOutput.console().println(LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss.SSS"))
                    + " " + line);
        }
    }

    private void banner(CloudAssembly assembly) {
        PrintStream out = FunctionOutput.console();
        out.println();
        out.println("Serverless Kit local runtime: stage " + options.stage() + " (stack " + model.stackName()
                + ") from " + assembly.templateFile());
        model.api().ifPresent(a -> out.println("  API       " + apiUrl() + "   stage throttle "
                + fmt(a.stageThrottle()) + " per method"));
        if (webAcl != null) {
            out.println("  WAF       web ACL " + webAcl.describe() + " (per source IP)");
        }
        out.println("  DynamoDB  " + engines.dynamoEndpoint() + "   (dynalite) tables: " + model.tables().stream()
                .map(t -> t.tableName() != null ? t.tableName() : model.stackName() + "-" + t.logicalId())
                .collect(Collectors.joining(", ")));
        out.println("  SQS       " + engines.sqsEndpoint() + "   (ElasticMQ)");
        for (StageModel.Queue q : model.queues()) {
            out.println("            " + provisioner.queueUrl(q.logicalId()) + "  visibility " + q.visibilityTimeoutSeconds()
                    + " s" + (q.deadLetterQueue() != null ? ", DLQ after " + q.maxReceiveCount() + " receives" : ""));
        }
        for (StageModel.UserPoolClient c : model.userPoolClients()) {
            out.println("  Cognito   " + engines.cognitoEndpoint() + "   (cognito-local) pool "
                    + provisioner.userPoolId(c.userPool()) + ", client " + provisioner.clientId(c.logicalId())
                    + " " + c.explicitAuthFlows());
        }
        out.println("  IAM       functions reach the engines through gateways that check each call against their role:"
                + " DynamoDB " + gateways.get(Service.DYNAMODB).endpoint()
                + ", SQS " + gateways.get(Service.SQS).endpoint()
                + ", Cognito " + gateways.get(Service.COGNITO_IDP).endpoint());
        long snapStart = model.functions().stream().filter(StageModel.Function::snapStart).count();
        out.println("  Creds     a role session per function: " + (snapStart == 0 ? "access-key variables"
                : snapStart == model.functions().size() ? "SnapStart, from " + credentials.uri()
                : "access-key variables, SnapStart ones from " + credentials.uri()));
        out.println("  Data      " + (options.dataDir() == null ? "in memory (--data DIR keeps it)" : options.dataDir()));
        out.println("  Logs      " + options.logDir() + " (functions/<name>.log; --function-logs to echo here)");
        model.api().ifPresent(a -> {
            out.println();
            api.apiKeys().forEach((id, value) -> out.println("API key " + id + " (x-api-key): " + value));
            out.println("Routes (access as the template's authorizers enforce it):");
            for (Route r : a.routes()) {
                if (r.mock() != null) {
                    continue;
                }
                FunctionHost h = functions.get(r.function());
                String access = (r.needsCognito() ? "Cognito" + (r.access() != null && r.access().startsWith("groups:")
                        ? " (" + r.access() + ", checked by the handler)" : "")
                        : r.needsIam() ? "IAM (SigV4, execute-api:Invoke)"
                        : r.needsLambdaAuthorizer() ? "Lambda authorizer " + functions.get(a.authorizers()
                                .get(r.authorizer()).function()).function().shortName()
                        : "public") + (r.apiKeyRequired() ? " + API key" : "");
                boolean gated = r.needsCognito() || r.needsIam() || r.needsLambdaAuthorizer();
                String declared = r.access() == null ? "" : ("public".equals(r.access()) == !gated ? ""
                        : "   !! declared '" + r.access() + "' but the template says " + r.authorizationType());
                StageModel.Function f = h.function();
                out.printf("  %-7s %-34s %-44s -> %s (%d MB, %d s, reserved %s, %s)%s%n", r.httpMethod(),
                        apiUrl() + r.resourcePath(), access, f.shortName(), f.memoryMb(), f.timeoutSeconds(),
                        f.reservedConcurrency() == null ? "-" : f.reservedConcurrency(), fmt(a.throttleOf(r)),
                        declared);
            }
            long preflight = a.routes().stream().filter(r -> r.mock() != null).count();
            if (preflight > 0) {
                out.println("  (+ " + preflight + " OPTIONS preflight routes answered from their MOCK integration)");
            }
        });
        for (StageModel.EventSourceMapping m : model.eventSourceMappings()) {
            StageModel.Function f = model.function(m.function());
            out.println("Queue consumer: " + provisioner.queueUrl(m.queue()) + " -> " + f.shortName() + " (batch "
                    + m.batchSize() + ", window " + m.maximumBatchingWindowSeconds() + " s"
                    + (m.reportBatchItemFailures() ? ", partial batch failures" : "")
                    + (m.maximumConcurrency() != null ? ", max concurrency " + m.maximumConcurrency() : "") + ")"
                    + (options.retryDelaySeconds() != null ? "; failed messages retried after "
                    + options.retryDelaySeconds() + " s (local override of the visibility timeout)" : ""));
        }
        for (StageModel.UserPoolClient c : model.userPoolClients()) {
            String groups = model.groups().stream().filter(g -> c.userPool().equals(g.userPool()))
                    .map(StageModel.Group::groupName).collect(Collectors.joining(","));
            out.println();
            out.println("Test users: " + TEST_USER + " / " + TEST_PASSWORD + "   and   " + ADMIN_USER + " / "
                    + ADMIN_PASSWORD + (groups.isEmpty() ? "" : " (groups: " + groups + ")"));
            if (c.explicitAuthFlows().contains("ALLOW_USER_PASSWORD_AUTH")) {
                out.println("Get an ID token and call a signed-in route:");
                out.println("  TOKEN=$(curl -s " + engines.cognitoEndpoint() + "/ -H 'Content-Type: application/x-amz-json-1.1'"
                        + " -H 'X-Amz-Target: AWSCognitoIdentityProviderService.InitiateAuth'"
                        + " -d '{\"AuthFlow\":\"USER_PASSWORD_AUTH\",\"ClientId\":\"" + provisioner.clientId(c.logicalId())
                        + "\",\"AuthParameters\":{\"USERNAME\":\"" + TEST_USER + "\",\"PASSWORD\":\"" + TEST_PASSWORD
                        + "\"}}' | sed -E 's/.*\"IdToken\":\"([^\"]+)\".*/\\1/')");
                model.api().flatMap(a -> a.routes().stream().filter(Route::needsCognito)
                        .filter(r -> "GET".equals(r.httpMethod()))
                        .filter(r -> r.access() == null || !r.access().startsWith("groups:")).findFirst())
                        .ifPresent(r -> out.println("  curl -H \"Authorization: $TOKEN\" " + apiUrl()
                                + r.resourcePath()));
            } else {
                out.println("(this client does not allow USER_PASSWORD_AUTH: sign in with SRP)");
            }
        }
        out.println();
        out.printf("Ready in %.1f s. Ctrl-C stops everything.%n", startupMillis / 1000.0);
    }

    private static String fmt(StageModel.Throttle t) {
        return String.format("%s rps/burst %d", t.rateLimit() == Math.rint(t.rateLimit())
                ? Long.toString((long) t.rateLimit()) : Double.toString(t.rateLimit()), t.burstLimit());
    }

    /** A pre-traffic hook's run for one function's deployment: what it reported to CodeDeploy and answered. */
    public record HookRun(String function, String deploymentGroup, String status, FunctionHost.Invocation invocation) {
        public boolean succeeded() {
            return "Succeeded".equals(status);
        }
    }

    /**
     * Runs what CodeDeploy runs before shifting a function's alias to a new version: registers a deployment of the
     * alias's deployment group and invokes the pre-traffic hook its {@code UpdatePolicy} names, which checks the
     * function (through the local Lambda endpoint, with its own role) and reports to the local CodeDeploy.
     *
     * @param functionLogicalId a function deployed through CodeDeploy (its alias has a pre-traffic hook)
     */
    public HookRun runPreTrafficHook(String functionLogicalId) {
        var resources = model.template().path("Resources");
        for (var it = resources.fields(); it.hasNext(); ) {
            var e = it.next();
            var r = e.getValue();
            if (!"AWS::Lambda::Alias".equals(r.path("Type").asText())
                    || !functionLogicalId.equals(r.path("Properties").path("FunctionName").path("Ref").asText())) {
                continue;
            }
            var update = r.path("UpdatePolicy").path("CodeDeployLambdaAliasUpdate");
            String hookId = update.path("BeforeAllowTrafficHook").path("Ref").asText(null);
            if (hookId == null || !functions.containsKey(hookId)) {
                throw new IllegalArgumentException("the alias of " + functionLogicalId + " has no pre-traffic hook");
            }
            String application = resolver.resolveString(update.path("ApplicationName"));
            String group = resolver.resolveString(update.path("DeploymentGroupName"));
            // the group's ARN as the template writes it: a stack with an environment names its account literally
            java.util.regex.Matcher literal = java.util.regex.Pattern.compile(
                    "arn:[a-z-]+:codedeploy:[a-z0-9-]+:(\\d{12}):deploymentgroup:").matcher(model.template().toString());
            String account = literal.find() ? literal.group(1) : Engines.LOCAL_ACCOUNT;
            DeploymentEndpoint.Deployment d = deploymentEndpoint.startDeployment(application, group,
                    "arn:aws:codedeploy:" + model.region() + ":" + account + ":deploymentgroup:"
                            + application + "/" + group);
            String execution = "local-" + d.id();
            FunctionHost.Invocation invocation = functions.get(hookId).invoke(Json.MAPPER.createObjectNode()
                    .put("DeploymentId", d.id()).put("LifecycleEventHookExecutionId", execution).toString());
            return new HookRun(functionLogicalId, group, deploymentEndpoint.hookStatus(execution), invocation);
        }
        throw new IllegalArgumentException("no alias of " + functionLogicalId + " in the template");
    }

    /** The function with this logical id, else the only one whose logical id or name contains it. */
    private FunctionHost functionLike(String function) {
        FunctionHost exact = functions.get(function);
        if (exact != null) {
            return exact;
        }
        List<FunctionHost> like = functions.values().stream().filter(h -> h.function().logicalId().contains(function)
                || h.functionName().contains(function)).toList();
        if (like.size() != 1) {
            throw new IllegalArgumentException("field 'function' must name one function (a logical id or name, or"
                    + " a part of one); '" + function + "' matches " + (like.isEmpty() ? "none" : like.stream()
                    .map(h -> h.function().logicalId()).toList()) + " of " + functions.keySet());
        }
        return like.get(0);
    }

    private FunctionHost functionByName(String nameOrArn) {
        for (FunctionHost h : functions.values()) {
            if (h.functionName().equals(nameOrArn) || h.functionArn().equals(nameOrArn)) {
                return h;
            }
        }
        return null;
    }

    public StageModel model() {
        return model;
    }

    /** Base URL of the API stage, e.g. {@code http://127.0.0.1:3000/v1}. */
    public String apiUrl() {
        return api == null ? null : api.baseUrl();
    }

    public Engines engines() {
        return engines;
    }

    public Provisioner provisioner() {
        return provisioner;
    }

    public long startupMillis() {
        return startupMillis;
    }

    /** Every line logged so far (one per request or batch). */
    public List<String> invocationLog() {
        synchronized (invocationLog) {
            return List.copyOf(invocationLog);
        }
    }

    /** The logical id of the only resource of {@code type} whose id starts with {@code prefix}. */
    public String queueUrl(String logicalIdPrefix) {
        return model.queues().stream().filter(q -> q.logicalId().startsWith(logicalIdPrefix))
                .map(q -> provisioner.queueUrl(q.logicalId())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no queue " + logicalIdPrefix + "*"));
    }

    /** The hosted functions by logical id. */
    /** The API keys the API accepts, by logical id (generated at start when the template sets no value). */
    public Map<String, String> apiKeys() {
        return api == null ? Map.of() : api.apiKeys();
    }

    public Map<String, FunctionHost> functions() {
        return java.util.Collections.unmodifiableMap(functions);
    }

    /** Every IAM decision made so far (the gateways' and the event source mappings'). */
    public AccessLog accessLog() {
        return accessLog;
    }

    public Access access() {
        return access;
    }

    /** The role session each function's credentials belong to, by the function's logical id. */
    public Map<String, Sessions.Session> sessions() {
        return java.util.Collections.unmodifiableMap(sessionOf);
    }

    /**
     * Credentials of a session of the template's role {@code roleLogicalId}, as a principal outside the stage that
     * assumed it holds them (the pipeline's smoke step, say): its calls through the gateways are checked against that
     * role's policies like a function's, and logged under the role's logical id. Not in {@link #sessions()}, which
     * holds the functions' sessions (the least-privilege report's subjects).
     */
    public Sessions.Session assumeRole(String roleLogicalId, String sessionName) {
        IamModel.Role role = access.iam().role(roleLogicalId);
        if (role == null) {
            throw new IllegalArgumentException("no role " + roleLogicalId + " in the template (roles: "
                    + new java.util.TreeSet<>(access.iam().roles().keySet()) + ")");
        }
        return sessions.issue(roleLogicalId, sessionName, role);
    }

    public CredentialsEndpoint credentialsEndpoint() {
        return credentials;
    }

    /**
     * Fault injection at the engine gateways (latency, throttling, 5xx, timeouts, applied-then-failed writes, paused
     * engines), for every function's calls to the engines, the queue pollers' included. Off until a rule is added.
     */
    public Faults faults() {
        return faults;
    }

    /** Serves {@link #faults()} on a loopback port (0: any free port); closed with the runtime. */
    public synchronized FaultsEndpoint faultsEndpoint(int port) throws IOException {
        FaultsEndpoint endpoint = new FaultsEndpoint(faults, port);
        started.add(endpoint);
        writeState(endpoint.url());
        return endpoint;
    }

    /** The gateway functions reach a service through. */
    public EngineGateway gateway(Service service) {
        return gateways.get(service);
    }

    public String userPoolId() {
        return provisioner.userPoolId(model.userPools().get(0).logicalId());
    }

    /** The id of {@link #userClient()}. */
    public String clientId() {
        return provisioner.clientId(userClient().logicalId());
    }

    /**
     * The app client users sign in with: the first (by logical id) that allows a user's own sign-in (SRP or
     * password, or no explicit flows: Cognito's defaults), else the first. A client that allows only the admin flow
     * (an IAM-signed server-side sign-in, such as the smoke tests') is not one.
     */
    public StageModel.UserPoolClient userClient() {
        List<StageModel.UserPoolClient> clients = model.userPoolClients();
        return clients.stream().filter(c -> c.explicitAuthFlows().isEmpty()
                        || c.explicitAuthFlows().contains("ALLOW_USER_SRP_AUTH")
                        || c.explicitAuthFlows().contains("ALLOW_USER_PASSWORD_AUTH"))
                .findFirst().orElse(clients.get(0));
    }

    @Override
    public synchronized void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                FunctionOutput.console().println("stopping " + started.get(i).getClass().getSimpleName() + ": " + e);
            }
        }
        started.clear();
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>();
        Set<String> flags = Set.of("--function-logs");
        for (int i = 0; i < args.length; i++) {
            if (flags.contains(args[i])) {
                a.put(args[i], "true");
            } else if (args[i].startsWith("--") && i + 1 < args.length) {
                a.put(args[i], args[++i]);
            } else {
                usage("unexpected argument " + args[i]);
            }
        }
        Path project = Path.of(a.getOrDefault("--project-dir", ".")).toAbsolutePath().normalize();
        Path cdkOut = project.resolve(a.getOrDefault("--cdk-out", "cdk.out")).toAbsolutePath().normalize();
        String data = a.get("--data");
        Options options = new Options(a.getOrDefault("--stage", "dev"), cdkOut,
                Integer.parseInt(a.getOrDefault("--port", "3000")),
                data == null || data.isBlank() ? null : project.resolve(data).toAbsolutePath().normalize(), project,
                a.containsKey("--log-dir") ? project.resolve(a.get("--log-dir")).toAbsolutePath().normalize()
                        : cdkOut.resolve("local-logs"), a.containsKey("--function-logs"),
                a.containsKey("--retry-delay") ? Integer.valueOf(a.get("--retry-delay")) : null, false);
        LocalRuntime runtime;
        try {
            runtime = start(options);
            if (a.containsKey("--fault-seed")) {
                runtime.faults().seed(Long.parseLong(a.get("--fault-seed")));
            }
            if (a.containsKey("--faults")) {
                FaultsEndpoint endpoint = runtime.faultsEndpoint(Integer.parseInt(a.get("--faults")));
                FunctionOutput.console().println("Fault injection: " + endpoint.url() + "/faults (seed "
                        + runtime.faults().seed() + "; see local/README.md)");
            }
        } catch (RuntimeException e) {
            System.err.println("Local runtime failed to start: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            FunctionOutput.console().println("Stopping: API, pollers, functions, engines...");
            runtime.close();
            stopped.countDown();
        }, "local-runtime-shutdown"));
        stopped.await();
    }

    private static void usage(String problem) {
        System.err.println(problem);
        System.err.println("usage: LocalRuntime [--stage dev] [--cdk-out cdk.out] [--port 3000] [--data .local-data]"
                + " [--retry-delay SECONDS] [--function-logs] [--project-dir .] [--faults PORT] [--fault-seed N]"
                + " [--log-dir DIR]");
        System.exit(2);
    }
}
