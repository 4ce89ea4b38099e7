package dev.serverlesskit.constructs;

import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.cognito.IUserPool;
import software.amazon.awscdk.services.logs.RetentionDays;

/** Properties of {@link ServerlessApi}. */
public final class ServerlessApiProps {
    private final IUserPool userPool;
    private final String apiName;
    private final String stageName;
    private final Number throttlingRateLimit;
    private final Number throttlingBurstLimit;
    private final List<String> corsAllowOrigins;
    private final RetentionDays accessLogRetention;
    private final RemovalPolicy logRemovalPolicy;
    private final Boolean configureAccountLogging;
    private final String webAclArn;
    private final Operations operations;
    private final Double serverErrorAlarmThreshold;
    private final Double clientErrorRateAlarmPercent;
    private final Duration latencyAlarmThreshold;

    private ServerlessApiProps(Builder b) {
        this.userPool = b.userPool;
        this.apiName = b.apiName;
        this.stageName = b.stageName;
        this.throttlingRateLimit = b.throttlingRateLimit;
        this.throttlingBurstLimit = b.throttlingBurstLimit;
        this.corsAllowOrigins = b.corsAllowOrigins == null ? null : List.copyOf(b.corsAllowOrigins);
        this.accessLogRetention = b.accessLogRetention;
        this.logRemovalPolicy = b.logRemovalPolicy;
        this.configureAccountLogging = b.configureAccountLogging;
        this.webAclArn = b.webAclArn;
        this.operations = b.operations;
        this.serverErrorAlarmThreshold = b.serverErrorAlarmThreshold;
        this.clientErrorRateAlarmPercent = b.clientErrorRateAlarmPercent;
        this.latencyAlarmThreshold = b.latencyAlarmThreshold;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The user pool whose tokens the Cognito authorizer accepts. Required: routes are authenticated by default. */
    public IUserPool getUserPool() {
        return userPool;
    }

    /**
     * The REST API's name.
     *
     * @default the construct's path
     */
    public String getApiName() {
        return apiName;
    }

    /**
     * The deployment stage, which is the first path segment of the URL.
     *
     * @default "v1"
     */
    public String getStageName() {
        return stageName;
    }

    /**
     * Steady-state requests per second across the stage.
     *
     * @default 50
     */
    public Number getThrottlingRateLimit() {
        return throttlingRateLimit;
    }

    /**
     * Burst of requests across the stage.
     *
     * @default 100
     */
    public Number getThrottlingBurstLimit() {
        return throttlingBurstLimit;
    }

    /**
     * Origins of browser clients allowed by CORS (preflight, and the headers on gateway error responses).
     * Handlers must add {@code Access-Control-Allow-Origin} to their own responses.
     *
     * @default no CORS
     */
    public List<String> getCorsAllowOrigins() {
        return corsAllowOrigins;
    }

    /**
     * How long the access log group keeps its events.
     *
     * @default RetentionDays.ONE_MONTH
     */
    public RetentionDays getAccessLogRetention() {
        return accessLogRetention;
    }

    /**
     * What happens to the access log group when the stack is deleted.
     *
     * @default RemovalPolicy.RETAIN
     */
    public RemovalPolicy getLogRemovalPolicy() {
        return logRemovalPolicy;
    }

    /**
     * Whether to set the account's API Gateway CloudWatch role (an account and region wide setting that API
     * Gateway needs to write logs). Keep it true on exactly one API per account and region.
     *
     * @default true
     */
    public Boolean getConfigureAccountLogging() {
        return configureAccountLogging;
    }

    /**
     * ARN of a WAFv2 web ACL (scope REGIONAL) to associate with the stage.
     *
     * @default no web ACL: stage throttling is the only request filter
     */
    public String getWebAclArn() {
        return webAclArn;
    }

    /**
     * Where the API's alarms notify.
     *
     * @default alarms are created without actions
     */
    public Operations getOperations() {
        return operations;
    }

    /**
     * 5XX responses in five minutes that raise the server errors alarm.
     *
     * @default 1
     */
    public Double getServerErrorAlarmThreshold() {
        return serverErrorAlarmThreshold;
    }

    /**
     * Percentage of 4XX responses in five minutes that raises the client errors alarm.
     *
     * @default 25
     */
    public Double getClientErrorRateAlarmPercent() {
        return clientErrorRateAlarmPercent;
    }

    /**
     * p99 latency that raises the latency alarm.
     *
     * @default Duration.seconds(2)
     */
    public Duration getLatencyAlarmThreshold() {
        return latencyAlarmThreshold;
    }

    /** Builder of {@link ServerlessApiProps}. */
    public static final class Builder {
        private IUserPool userPool;
        private String apiName;
        private String stageName;
        private Number throttlingRateLimit;
        private Number throttlingBurstLimit;
        private List<String> corsAllowOrigins;
        private RetentionDays accessLogRetention;
        private RemovalPolicy logRemovalPolicy;
        private Boolean configureAccountLogging;
        private String webAclArn;
        private Operations operations;
        private Double serverErrorAlarmThreshold;
        private Double clientErrorRateAlarmPercent;
        private Duration latencyAlarmThreshold;

        public Builder userPool(IUserPool userPool) {
            this.userPool = userPool;
            return this;
        }

        public Builder apiName(String apiName) {
            this.apiName = apiName;
            return this;
        }

        public Builder stageName(String stageName) {
            this.stageName = stageName;
            return this;
        }

        public Builder throttlingRateLimit(Number throttlingRateLimit) {
            this.throttlingRateLimit = throttlingRateLimit;
            return this;
        }

        public Builder throttlingBurstLimit(Number throttlingBurstLimit) {
            this.throttlingBurstLimit = throttlingBurstLimit;
            return this;
        }

        public Builder corsAllowOrigins(List<String> corsAllowOrigins) {
            this.corsAllowOrigins = corsAllowOrigins;
            return this;
        }

        public Builder accessLogRetention(RetentionDays accessLogRetention) {
            this.accessLogRetention = accessLogRetention;
            return this;
        }

        public Builder logRemovalPolicy(RemovalPolicy logRemovalPolicy) {
            this.logRemovalPolicy = logRemovalPolicy;
            return this;
        }

        public Builder configureAccountLogging(Boolean configureAccountLogging) {
            this.configureAccountLogging = configureAccountLogging;
            return this;
        }

        public Builder webAclArn(String webAclArn) {
            this.webAclArn = webAclArn;
            return this;
        }

        public Builder operations(Operations operations) {
            this.operations = operations;
            return this;
        }

        public Builder serverErrorAlarmThreshold(Double serverErrorAlarmThreshold) {
            this.serverErrorAlarmThreshold = serverErrorAlarmThreshold;
            return this;
        }

        public Builder clientErrorRateAlarmPercent(Double clientErrorRateAlarmPercent) {
            this.clientErrorRateAlarmPercent = clientErrorRateAlarmPercent;
            return this;
        }

        public Builder latencyAlarmThreshold(Duration latencyAlarmThreshold) {
            this.latencyAlarmThreshold = latencyAlarmThreshold;
            return this;
        }

        public ServerlessApiProps build() {
            return new ServerlessApiProps(this);
        }
    }
}
