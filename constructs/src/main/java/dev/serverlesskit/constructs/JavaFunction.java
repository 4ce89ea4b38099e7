package dev.serverlesskit.constructs;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Size;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.codedeploy.LambdaDeploymentGroup;
import software.amazon.awscdk.services.iam.IGrantable;
import software.amazon.awscdk.services.iam.IPrincipal;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.ApplicationLogLevel;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.FunctionOptions;
import software.amazon.awscdk.services.lambda.LoggingFormat;
import software.amazon.awscdk.services.lambda.RecursiveLoop;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.lambda.SystemLogLevel;
import software.amazon.awscdk.services.lambda.Tracing;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * A Java Lambda function with the settings a production Java function wants, invoked through an alias.
 *
 * <p>Creates: a log group with retention; a role of its own that may write only to that log group (plus the
 * X-Ray trace upload, which AWS scopes to no resource); the function (Java 21 on arm64, active X-Ray tracing,
 * reserved concurrency, Lambda's JSON log format with application and system log levels, the kit's
 * {@code SERVICE_NAME} and {@code METRICS_NAMESPACE} variables); SnapStart on published versions; and the alias
 * {@code live} pointing at the current version. API integrations and event sources should target {@link #getAlias()}: only
 * published versions get SnapStart.
 *
 * <p>Alarms: errors, throttles, p99 duration near the timeout, concurrency near the reserved limit.
 *
 * <p>With a {@link DeploymentPreference}, a new version reaches the alias through CodeDeploy: traffic shifts
 * gradually, hooks check the new version, and the errors, throttles and duration alarms roll it back.
 *
 * <p>The construct is an {@link IGrantable}: {@code table.grantReadData(javaFunction)} grants to its role.
 */
public class JavaFunction extends Construct implements IGrantable {
    /** The name of the alias every trigger should invoke. */
    public static final String ALIAS_NAME = "live";

    private static final Pattern HANDLER = Pattern.compile("[A-Za-z_$][\\w$]*(\\.[A-Za-z_$][\\w$]*)*(::[A-Za-z_$][\\w$]*)?");
    /** The application log levels that keep log lines without a level (Lambda counts them as INFO). */
    private static final Set<ApplicationLogLevel> KEEPS_METRIC_LINES =
            Set.of(ApplicationLogLevel.TRACE, ApplicationLogLevel.DEBUG, ApplicationLogLevel.INFO);
    /** Lambda's maximum timeout, 15 minutes. */
    private static final double MAX_TIMEOUT_SECONDS = 900;
    /**
     * The context key holding the account's Lambda concurrency limit (a number), which bounds
     * {@link JavaFunctionProps#getReservedConcurrency()}: Lambda keeps 100 executions unreserved.
     */
    public static final String ACCOUNT_CONCURRENCY_CONTEXT_KEY = "serverlesskit:accountConcurrencyLimit";
    /** Lambda's default concurrency quota of an account and region. */
    public static final int DEFAULT_ACCOUNT_CONCURRENCY_LIMIT = 1000;
    /** Executions Lambda keeps unreserved in every account and region. */
    private static final int UNRESERVED_CONCURRENCY = 100;

    private final LogGroup logGroup;
    private final IRole role;
    private final Function function;
    private final Alias alias;
    private final Number reservedConcurrency;
    private final Duration timeout;
    private final List<Alarm> alarms;
    private final LambdaDeploymentGroup deploymentGroup;

    public JavaFunction(Construct scope, String id, JavaFunctionProps props) {
        super(scope, id);
        Check.required(this, "JavaFunctionProps", props);
        String handler = Check.matches(this, "JavaFunctionProps.handler", props.getHandler(), HANDLER,
                "must name a class, optionally with ::method");
        Check.required(this, "JavaFunctionProps.code", props.getCode());
        this.reservedConcurrency = Check.required(this, "JavaFunctionProps.reservedConcurrency",
                props.getReservedConcurrency());
        int accountLimit = accountConcurrencyLimit(this);
        Check.that(this, Check.isToken(reservedConcurrency) || reservedConcurrency.doubleValue() > 0,
                "JavaFunctionProps.reservedConcurrency must be greater than 0 (got "
                        + Check.show(reservedConcurrency) + "): a function without reserved concurrency can starve"
                        + " the account");
        Check.wholeBetween(this, "JavaFunctionProps.reservedConcurrency", reservedConcurrency, 1,
                accountLimit - UNRESERVED_CONCURRENCY);
        Number memorySize = Check.wholeBetween(this, "JavaFunctionProps.memorySize",
                Check.or(props.getMemorySize(), 1024), 128, 10240);
        this.timeout = Check.wholeSeconds(this, "JavaFunctionProps.timeout", Check.or(props.getTimeout(),
                Duration.seconds(10)), 1, MAX_TIMEOUT_SECONDS);
        ApplicationLogLevel applicationLogLevel = Check.or(props.getApplicationLogLevel(), ApplicationLogLevel.INFO);
        Check.that(this, KEEPS_METRIC_LINES.contains(applicationLogLevel), "JavaFunctionProps.applicationLogLevel"
                + " must be TRACE, DEBUG or INFO (got " + applicationLogLevel + "): Lambda counts a log line without"
                + " a level, such as an embedded-metric-format line, as INFO and would drop the function's metrics");
        StageProfile profile = StageProfile.of(this);
        boolean snapStart = Check.or(props.getSnapStart(), profile.getSnapStart(), true);
        Runtime runtime = Check.or(props.getRuntime(), Runtime.JAVA_21);
        String runtimeName = runtime.getName();
        Check.that(this, runtimeName.startsWith("java"),
                "JavaFunctionProps.runtime must be a Java runtime (got " + runtimeName + ")");

        Map<String, Object> passed = PassThrough.setProps(props.getFunctionOptions(), FunctionOptions.class);
        PassThrough.refuseOwned(this, "JavaFunctionProps.functionOptions", passed, OWNED_FUNCTION_OPTIONS);
        Check.that(this, passed.get("tracing") == null || passed.get("tracing") == Tracing.ACTIVE,
                "JavaFunctionProps.functionOptions.tracing must be ACTIVE (got " + passed.get("tracing")
                        + "): every function of the library is traced with X-Ray");
        Check.that(this, passed.get("loggingFormat") == null || passed.get("loggingFormat") == LoggingFormat.JSON,
                "JavaFunctionProps.functionOptions.loggingFormat must be JSON (got " + passed.get("loggingFormat")
                        + "): log levels and the metrics lines rely on Lambda's JSON log format");
        Check.that(this, passed.get("recursiveLoop") == null
                        || passed.get("recursiveLoop") == RecursiveLoop.TERMINATE,
                "JavaFunctionProps.functionOptions.recursiveLoop must be TERMINATE (got " + passed.get("recursiveLoop")
                        + "): Lambda stops a function that calls itself in a loop through SQS, SNS or S3");

        this.logGroup = LogGroup.Builder.create(this, "Logs")
                .retention(Check.or(props.getLogRetention(), profile.getLogRetention(), RetentionDays.ONE_MONTH))
                .removalPolicy(Check.removalPolicy(this, "JavaFunctionProps.logRemovalPolicy",
                        props.getLogRemovalPolicy(), profile.getRemovalPolicy(), RemovalPolicy.RETAIN))
                .build();

        this.role = props.getRole() != null ? props.getRole() : Role.Builder.create(this, "Role")
                .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                .description("Execution role of " + getNode().getPath() + ": only what it is granted")
                .build();
        logGroup.grantWrite(role);

        Map<String, String> environment = new TreeMap<>();
        environment.put("SERVICE_NAME", Check.or(props.getServiceName(), id));
        environment.put("METRICS_NAMESPACE", Check.or(props.getMetricsNamespace(), "ServerlessKit"));
        if (props.getEnvironment() != null) {
            for (Map.Entry<String, String> own : List.of(Map.entry("SERVICE_NAME", "JavaFunctionProps.serviceName"),
                    Map.entry("METRICS_NAMESPACE", "JavaFunctionProps.metricsNamespace"),
                    Map.entry(RouteAccess.ENVIRONMENT_VARIABLE, "ServerlessApi.addRoute's RouteAccess"))) {
                Check.that(this, !props.getEnvironment().containsKey(own.getKey()), "JavaFunctionProps.environment"
                        + " sets " + own.getKey() + ", which the kit sets itself: use " + own.getValue());
            }
            environment.putAll(props.getEnvironment());
        }

        Size storage = (Size) passed.get("ephemeralStorageSize");
        Check.that(this, !snapStart || storage == null || storage.isUnresolved() || storage.toMebibytes().doubleValue() <= 512,
                "JavaFunctionProps.functionOptions.ephemeralStorageSize (" + (storage == null ? "" : storage
                        .isUnresolved() ? "token" : Check.show(storage.toMebibytes()) + " MiB") + ") must be at most 512 MiB"
                        + " with SnapStart: Lambda does not snapshot a larger /tmp (or set JavaFunctionProps"
                        + ".snapStart false)");
        Function.Builder functionBuilder = Function.Builder.create(this, "Function");
        PassThrough.copy(this, "JavaFunctionProps.functionOptions", passed, functionBuilder, Set.of());
        this.function = functionBuilder
                .runtime(runtime)
                .architecture(Check.or(props.getArchitecture(), Architecture.ARM_64))
                .handler(handler)
                .code(props.getCode())
                .memorySize(memorySize)
                .timeout(timeout)
                .role(role)
                .logGroup(logGroup)
                .loggingFormat(LoggingFormat.JSON)
                .applicationLogLevelV2(applicationLogLevel)
                .systemLogLevelV2(Check.or(props.getSystemLogLevel(), SystemLogLevel.INFO))
                .tracing(Tracing.ACTIVE)
                .reservedConcurrentExecutions(reservedConcurrency)
                .snapStart(snapStart ? SnapStartConf.ON_PUBLISHED_VERSIONS : null)
                .environment(environment)
                .description(props.getDescription())
                .build();
        if (snapStart) {
            Annotations.of(function).acknowledgeWarning("@aws-cdk/aws-lambda:snapStartRequirePublish",
                    "Triggers invoke the alias '" + ALIAS_NAME + "', which points at a published version");
        }
        this.alias = Alias.Builder.create(this, "Alias")
                .aliasName(ALIAS_NAME)
                .version(function.getCurrentVersion())
                .build();

        // X-Ray's PutTraceSegments/PutTelemetryRecords support no resource-level permissions: AWS requires "*".
        NagAcknowledgments.acknowledge(role, "AwsSolutions-IAM5[Resource::*]",
                    "Active tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, which AWS"
                        + " only grants on resource '*'; the log permissions are scoped to the function's log group.");
        Map<String, String> functionAcknowledgments = new LinkedHashMap<>();
        if (!runtimeName.equals(Runtime.JAVA_25.getName())) {
            String pinned = "The Java runtime is pinned on purpose (JavaFunctionProps.runtime, default Java 21 LTS):"
                    + " the handlers are built and tested for it.";
            functionAcknowledgments.put("AwsSolutions-L1", pinned);
            functionAcknowledgments.put("Serverless-LambdaLatestVersion", pinned);
        }
        functionAcknowledgments.put("Serverless-LambdaDLQ",
                "A function dead-letter queue only receives failed asynchronous invocations. JavaFunction serves"
                        + " synchronous callers (API Gateway: the error returns to the client) and SQS event"
                        + " sources (failed messages go to the source queue's own dead-letter queue).");
        NagAcknowledgments.acknowledge(function, functionAcknowledgments);

        AlarmFactory alarmFactory = new AlarmFactory(this, props.getOperations());
        MetricOptions fiveMinutes = MetricOptions.builder().period(Duration.minutes(5)).build();
        Alarm errors = alarmFactory.atLeast("ErrorsAlarm", function.metricErrors(fiveMinutes),
                Check.positiveThreshold(this, "JavaFunctionProps.errorsAlarmThreshold",
                        Check.or(props.getErrorsAlarmThreshold(), 1)), "Function errors");
        Alarm throttles = alarmFactory.atLeast("ThrottlesAlarm", function.metricThrottles(fiveMinutes), 1,
                "Function throttled: reserved concurrency exhausted");
        Number durationPercent = Check.between(this, "JavaFunctionProps.durationAlarmPercentOfTimeout",
                Check.or(props.getDurationAlarmPercentOfTimeout(), 80), 1, 100);
        Alarm duration = alarmFactory.percentOf("DurationAlarm",
                function.metricDuration(MetricOptions.builder().period(Duration.minutes(5)).statistic("p99").build()),
                Duration.minutes(5), durationPercent, timeout.toSeconds(), 1000, Math::floor,
                "p99 duration above " + Check.show(durationPercent) + "% of the timeout");
        Number concurrencyPercent = Check.between(this, "JavaFunctionProps.concurrencyAlarmPercentOfReserved",
                Check.or(props.getConcurrencyAlarmPercentOfReserved(), 80), 1, 100);
        alarmFactory.percentOf("ConcurrencyAlarm",
                function.metric("ConcurrentExecutions",
                        MetricOptions.builder().period(Duration.minutes(1)).statistic("Maximum").build()),
                Duration.minutes(1), concurrencyPercent, reservedConcurrency, 1, exact -> Math.max(1, Math.ceil(exact)),
                "Concurrency above " + Check.show(concurrencyPercent) + "% of the reserved "
                        + Check.show(reservedConcurrency));
        this.alarms = alarmFactory.alarms();

        this.deploymentGroup = props.getDeploymentPreference() == null ? null
                : GradualDeployment.create(this, function, alias, function.getCurrentVersion(), timeout,
                        List.of(errors, throttles, duration), props.getDeploymentPreference());
    }

    /** Props of {@code functionOptions} the library sets itself, and what to use instead. */
    private static final Map<String, String> OWNED_FUNCTION_OPTIONS = Map.ofEntries(
            Map.entry("memorySize", "set JavaFunctionProps.memorySize"),
            Map.entry("timeout", "set JavaFunctionProps.timeout"),
            Map.entry("environment", "set JavaFunctionProps.environment"),
            Map.entry("architecture", "set JavaFunctionProps.architecture"),
            Map.entry("role", "set JavaFunctionProps.role"),
            Map.entry("description", "set JavaFunctionProps.description"),
            Map.entry("reservedConcurrentExecutions", "set JavaFunctionProps.reservedConcurrency"),
            Map.entry("snapStart", "set JavaFunctionProps.snapStart (or the stage profile's)"),
            Map.entry("logGroup", "the function writes to a log group of its own (JavaFunctionProps.logRetention)"),
            Map.entry("logRetention", "set JavaFunctionProps.logRetention"),
            Map.entry("logRetentionRole", "the function writes to a log group of its own"),
            Map.entry("logRetentionRetryOptions", "the function writes to a log group of its own"),
            Map.entry("logFormat", "the function logs JSON (loggingFormat)"),
            Map.entry("applicationLogLevel", "set JavaFunctionProps.applicationLogLevel"),
            Map.entry("applicationLogLevelV2", "set JavaFunctionProps.applicationLogLevel"),
            Map.entry("systemLogLevel", "set JavaFunctionProps.systemLogLevel"),
            Map.entry("systemLogLevelV2", "set JavaFunctionProps.systemLogLevel"));

    /** The account's concurrency limit from {@value #ACCOUNT_CONCURRENCY_CONTEXT_KEY}, or Lambda's default quota. */
    private static int accountConcurrencyLimit(Construct scope) {
        Object value = scope.getNode().tryGetContext(ACCOUNT_CONCURRENCY_CONTEXT_KEY);
        if (value == null) {
            return DEFAULT_ACCOUNT_CONCURRENCY_LIMIT;
        }
        try {
            int limit = value instanceof Number n ? n.intValue() : Integer.parseInt(String.valueOf(value).trim());
            Check.that(scope, limit > UNRESERVED_CONCURRENCY, "context " + ACCOUNT_CONCURRENCY_CONTEXT_KEY
                    + " must be above " + UNRESERVED_CONCURRENCY + " (got " + value + ")");
            return limit;
        } catch (NumberFormatException e) {
            throw Check.error(scope, "context " + ACCOUNT_CONCURRENCY_CONTEXT_KEY + " must be a number (got '"
                    + value + "')");
        }
    }

    /** The principal of the function's role. */
    @Override
    public IPrincipal getGrantPrincipal() {
        return role;
    }

    /** The underlying function (escape hatch). Invoke {@link #getAlias()} rather than this. */
    public Function getFunction() {
        return function;
    }

    /** The alias {@value #ALIAS_NAME}, on the current published version: what triggers should invoke. */
    public Alias getAlias() {
        return alias;
    }

    /** The execution role: the function's own, or {@link JavaFunctionProps#getRole()}. */
    public IRole getRole() {
        return role;
    }

    public LogGroup getLogGroup() {
        return logGroup;
    }

    /** The reserved concurrency, as given (a token when it is only known at deployment). */
    public Number getReservedConcurrency() {
        return reservedConcurrency;
    }

    public Duration getTimeout() {
        return timeout;
    }

    /**
     * The CodeDeploy deployment group that moves the alias to new versions, or {@code null} without a
     * {@link JavaFunctionProps#getDeploymentPreference() deployment preference}.
     */
    public LambdaDeploymentGroup getDeploymentGroup() {
        return deploymentGroup;
    }

    /**
     * The ARN of the version this synthesis publishes: during a deployment, the new version a hook should invoke
     * (and the only part of the function a hook is allowed to invoke).
     */
    public String getCurrentVersionArn() {
        return function.getCurrentVersion().getFunctionArn();
    }

    /** The function's alarms: errors, throttles, duration, concurrency. */
    public List<Alarm> getAlarms() {
        return alarms;
    }
}
