package dev.serverlesskit.constructs;

import java.util.Map;
import java.util.TreeMap;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.lambda.ApplicationLogLevel;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.FunctionOptions;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SystemLogLevel;
import software.amazon.awscdk.services.logs.RetentionDays;

/** Properties of {@link JavaFunction}. */
public final class JavaFunctionProps {
    private final String handler;
    private final Code code;
    private final Number reservedConcurrency;
    private final Number memorySize;
    private final Duration timeout;
    private final Map<String, String> environment;
    private final String serviceName;
    private final ApplicationLogLevel applicationLogLevel;
    private final SystemLogLevel systemLogLevel;
    private final String metricsNamespace;
    private final RetentionDays logRetention;
    private final RemovalPolicy logRemovalPolicy;
    private final Boolean snapStart;
    private final Runtime runtime;
    private final Architecture architecture;
    private final String description;
    private final IRole role;
    private final IOperations operations;
    private final Number errorsAlarmThreshold;
    private final Number durationAlarmPercentOfTimeout;
    private final Number concurrencyAlarmPercentOfReserved;
    private final DeploymentPreference deploymentPreference;
    private final FunctionOptions functionOptions;

    private JavaFunctionProps(Builder b) {
        this.handler = b.handler;
        this.code = b.code;
        this.reservedConcurrency = b.reservedConcurrency;
        this.memorySize = b.memorySize;
        this.timeout = b.timeout;
        this.environment = b.environment == null ? null : Map.copyOf(b.environment);
        this.serviceName = b.serviceName;
        this.applicationLogLevel = b.applicationLogLevel;
        this.systemLogLevel = b.systemLogLevel;
        this.metricsNamespace = b.metricsNamespace;
        this.logRetention = b.logRetention;
        this.logRemovalPolicy = b.logRemovalPolicy;
        this.snapStart = b.snapStart;
        this.runtime = b.runtime;
        this.architecture = b.architecture;
        this.description = b.description;
        this.role = b.role;
        this.operations = b.operations;
        this.errorsAlarmThreshold = b.errorsAlarmThreshold;
        this.durationAlarmPercentOfTimeout = b.durationAlarmPercentOfTimeout;
        this.concurrencyAlarmPercentOfReserved = b.concurrencyAlarmPercentOfReserved;
        this.deploymentPreference = b.deploymentPreference;
        this.functionOptions = b.functionOptions;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding every value of these props, to derive a variant. */
    public Builder toBuilder() {
        return new Builder().handler(handler).code(code).reservedConcurrency(reservedConcurrency)
                .memorySize(memorySize).timeout(timeout).environment(environment).serviceName(serviceName)
                .applicationLogLevel(applicationLogLevel).systemLogLevel(systemLogLevel)
                .metricsNamespace(metricsNamespace).logRetention(logRetention)
                .logRemovalPolicy(logRemovalPolicy).snapStart(snapStart).runtime(runtime).architecture(architecture)
                .description(description).role(role).operations(operations).errorsAlarmThreshold(errorsAlarmThreshold)
                .durationAlarmPercentOfTimeout(durationAlarmPercentOfTimeout)
                .concurrencyAlarmPercentOfReserved(concurrencyAlarmPercentOfReserved)
                .deploymentPreference(deploymentPreference).functionOptions(functionOptions);
    }

    /** The handler, as {@code package.Class::method}. Required. */
    public String getHandler() {
        return handler;
    }

    /** The deployment package, usually {@code Code.fromAsset("path/to/shaded.jar")}. Required. */
    public Code getCode() {
        return code;
    }

    /**
     * Concurrent executions reserved for (and capping) this function, so that one function can neither starve
     * the account's other functions nor be starved by them. Required: a whole number from 1 to the account's
     * concurrency limit minus the 100 executions Lambda keeps unreserved. The limit is read from the context key
     * {@value JavaFunction#ACCOUNT_CONCURRENCY_CONTEXT_KEY}, by default 1000 (Lambda's default quota), so at most
     * 900; set the key in {@code cdk.json} where the quota was raised. A token passes unchecked.
     */
    public Number getReservedConcurrency() {
        return reservedConcurrency;
    }

    /**
     * Memory in MB (128 to 10240); CPU grows with it, and Java's start-up is CPU bound.
     *
     * @default 1024
     */
    public Number getMemorySize() {
        return memorySize;
    }

    /**
     * Maximum duration of one invocation, a whole number of seconds from 1 second to 15 minutes (Lambda counts in
     * seconds). A token must be given as {@code Duration.seconds(token)}.
     *
     * @default Duration.seconds(10)
     */
    public Duration getTimeout() {
        return timeout;
    }

    /**
     * Environment variables added to the kit's own ({@code SERVICE_NAME}, {@code METRICS_NAMESPACE} and, on a
     * function behind a {@link ServerlessApi}, {@code SERVERLESSKIT_ROUTE_ACCESS}), which it may not set.
     *
     * @default none
     */
    public Map<String, String> getEnvironment() {
        return environment;
    }

    /**
     * The function's {@code SERVICE_NAME} variable: the service in its log lines and its metrics' dimension.
     *
     * @default the construct id
     */
    public String getServiceName() {
        return serviceName;
    }

    /**
     * The least severe application log level Lambda keeps (the function logs in Lambda's JSON format, and Lambda
     * sets {@code AWS_LAMBDA_LOG_LEVEL} to this). TRACE, DEBUG or INFO: Lambda counts a JSON line without a level,
     * such as an embedded-metric-format line, as INFO, so a higher level would drop the function's metrics.
     *
     * @default ApplicationLogLevel.INFO
     */
    public ApplicationLogLevel getApplicationLogLevel() {
        return applicationLogLevel;
    }

    /**
     * The least severe level of the log lines Lambda itself writes for the function (START, END, REPORT at INFO).
     *
     * @default SystemLogLevel.INFO
     */
    public SystemLogLevel getSystemLogLevel() {
        return systemLogLevel;
    }

    /**
     * The function's {@code METRICS_NAMESPACE} variable: the CloudWatch namespace of its embedded-format metrics.
     *
     * @default "ServerlessKit"
     */
    public String getMetricsNamespace() {
        return metricsNamespace;
    }

    /**
     * How long the function's log group keeps its events.
     *
     * @default the stage profile's, else RetentionDays.ONE_MONTH
     */
    public RetentionDays getLogRetention() {
        return logRetention;
    }

    /**
     * What happens to the log group when the stack is deleted.
     *
     * @default the stage profile's, else RemovalPolicy.RETAIN
     */
    public RemovalPolicy getLogRemovalPolicy() {
        return logRemovalPolicy;
    }

    /**
     * Whether SnapStart snapshots each published version, which is what the alias points at.
     *
     * @default the stage profile's, else true
     */
    public Boolean getSnapStart() {
        return snapStart;
    }

    /**
     * The Java runtime.
     *
     * @default Runtime.JAVA_21
     */
    public Runtime getRuntime() {
        return runtime;
    }

    /**
     * The instruction set.
     *
     * @default Architecture.ARM_64 (Graviton: cheaper per GB-second)
     */
    public Architecture getArchitecture() {
        return architecture;
    }

    /**
     * An execution role of your own, for organisations whose roles are made by a platform team (with a permissions
     * boundary, a naming scheme). The function still grants it writing to its log group and the X-Ray upload, and
     * grants made on the function ({@code table.grant(javaFunction, ...)}) go to it; an imported role
     * ({@code Role.fromRoleArn}) must be mutable for those, or already hold them. It must trust
     * {@code lambda.amazonaws.com}.
     *
     * @default a role of the function's own, with only what it is granted
     */
    public IRole getRole() {
        return role;
    }

    /**
     * The function's description.
     *
     * @default none
     */
    public String getDescription() {
        return description;
    }

    /**
     * aws-cdk-lib's {@code FunctionOptions}, passed through to the function for what the library has no opinion on:
     * {@code layers}, {@code ephemeralStorageSize}, {@code vpc} and its subnets and security groups,
     * {@code functionName}, {@code environmentEncryption}, {@code deadLetterQueue}, {@code initialPolicy},
     * {@code paramsAndSecrets}, {@code runtimeManagementMode}, {@code codeSigningConfig}, {@code filesystem}...
     * Every prop set is copied onto the function, so props aws-cdk-lib adds later work too.
     *
     * <p>Not weakened, whatever is passed (synthesis fails naming the prop): active X-Ray tracing
     * ({@code tracing} ACTIVE only), JSON logs ({@code loggingFormat} JSON only), Lambda's recursive loop detection
     * ({@code recursiveLoop} TERMINATE only). Set through this class instead (the library checks and uses them):
     * {@code memorySize}, {@code timeout}, {@code environment}, {@code architecture}, {@code role},
     * {@code description}, {@code reservedConcurrentExecutions} ({@code reservedConcurrency}), {@code snapStart},
     * the log group and its retention, the application and system log levels.
     *
     * @default the library's function only
     */
    public FunctionOptions getFunctionOptions() {
        return functionOptions;
    }

    /**
     * Where the function's alarms notify.
     *
     * @default alarms are created without actions
     */
    public IOperations getOperations() {
        return operations;
    }

    /**
     * Errors in five minutes that raise the errors alarm (at least this many; greater than 0).
     *
     * @default 1
     */
    public Number getErrorsAlarmThreshold() {
        return errorsAlarmThreshold;
    }

    /**
     * p99 duration, as a percentage of the timeout, that raises the duration alarm.
     *
     * @default 80
     */
    public Number getDurationAlarmPercentOfTimeout() {
        return durationAlarmPercentOfTimeout;
    }

    /**
     * Peak concurrent executions, as a percentage of the reserved concurrency, that raises the concurrency alarm.
     *
     * @default 80
     */
    public Number getConcurrencyAlarmPercentOfReserved() {
        return concurrencyAlarmPercentOfReserved;
    }

    /**
     * How new versions reach the alias: through CodeDeploy, shifting traffic all at once, as a canary or linearly,
     * with optional hooks, rolled back when the function's errors, throttles or duration alarm (or one the
     * preference adds) fires during the deployment.
     *
     * @default none: CloudFormation points the alias at the new version at once, and nothing rolls it back
     *     (the simplest for a development stage; give one wherever a faulty version would reach users)
     */
    public DeploymentPreference getDeploymentPreference() {
        return deploymentPreference;
    }

    /** Builder of {@link JavaFunctionProps}. */
    public static final class Builder {
        private String handler;
        private Code code;
        private Number reservedConcurrency;
        private Number memorySize;
        private Duration timeout;
        private Map<String, String> environment;
        private String serviceName;
        private ApplicationLogLevel applicationLogLevel;
        private SystemLogLevel systemLogLevel;
        private String metricsNamespace;
        private RetentionDays logRetention;
        private RemovalPolicy logRemovalPolicy;
        private Boolean snapStart;
        private Runtime runtime;
        private Architecture architecture;
        private String description;
        private IRole role;
        private IOperations operations;
        private Number errorsAlarmThreshold;
        private Number durationAlarmPercentOfTimeout;
        private Number concurrencyAlarmPercentOfReserved;
        private DeploymentPreference deploymentPreference;
        private FunctionOptions functionOptions;

        public Builder handler(String handler) {
            this.handler = handler;
            return this;
        }

        public Builder code(Code code) {
            this.code = code;
            return this;
        }

        public Builder reservedConcurrency(Number reservedConcurrency) {
            this.reservedConcurrency = reservedConcurrency;
            return this;
        }

        public Builder memorySize(Number memorySize) {
            this.memorySize = memorySize;
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        public Builder environment(Map<String, String> environment) {
            this.environment = environment == null ? null : new TreeMap<>(environment);
            return this;
        }

        public Builder serviceName(String serviceName) {
            this.serviceName = serviceName;
            return this;
        }

        public Builder applicationLogLevel(ApplicationLogLevel applicationLogLevel) {
            this.applicationLogLevel = applicationLogLevel;
            return this;
        }

        public Builder systemLogLevel(SystemLogLevel systemLogLevel) {
            this.systemLogLevel = systemLogLevel;
            return this;
        }

        public Builder metricsNamespace(String metricsNamespace) {
            this.metricsNamespace = metricsNamespace;
            return this;
        }

        public Builder logRetention(RetentionDays logRetention) {
            this.logRetention = logRetention;
            return this;
        }

        public Builder logRemovalPolicy(RemovalPolicy logRemovalPolicy) {
            this.logRemovalPolicy = logRemovalPolicy;
            return this;
        }

        public Builder snapStart(Boolean snapStart) {
            this.snapStart = snapStart;
            return this;
        }

        public Builder runtime(Runtime runtime) {
            this.runtime = runtime;
            return this;
        }

        public Builder architecture(Architecture architecture) {
            this.architecture = architecture;
            return this;
        }

        public Builder role(IRole role) {
            this.role = role;
            return this;
        }

        public Builder description(String description) {
            this.description = description;
            return this;
        }

        public Builder operations(IOperations operations) {
            this.operations = operations;
            return this;
        }

        public Builder errorsAlarmThreshold(Number errorsAlarmThreshold) {
            this.errorsAlarmThreshold = errorsAlarmThreshold;
            return this;
        }

        public Builder durationAlarmPercentOfTimeout(Number durationAlarmPercentOfTimeout) {
            this.durationAlarmPercentOfTimeout = durationAlarmPercentOfTimeout;
            return this;
        }

        public Builder concurrencyAlarmPercentOfReserved(Number concurrencyAlarmPercentOfReserved) {
            this.concurrencyAlarmPercentOfReserved = concurrencyAlarmPercentOfReserved;
            return this;
        }

        public Builder deploymentPreference(DeploymentPreference deploymentPreference) {
            this.deploymentPreference = deploymentPreference;
            return this;
        }

        public Builder functionOptions(FunctionOptions functionOptions) {
            this.functionOptions = functionOptions;
            return this;
        }

        public JavaFunctionProps build() {
            return new JavaFunctionProps(this);
        }
    }
}
