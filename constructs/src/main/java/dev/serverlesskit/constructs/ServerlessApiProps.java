package dev.serverlesskit.constructs;

import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.cognito.IUserPool;
import software.amazon.awscdk.services.logs.RetentionDays;

/** Properties of {@link ServerlessApi}. */
public final class ServerlessApiProps {
    private final IUserPool userPool;
    private final IUserDirectory userDirectory;
    private final String apiName;
    private final String stageName;
    private final Number throttlingRateLimit;
    private final Number throttlingBurstLimit;
    private final List<String> corsAllowOrigins;
    private final List<String> corsAllowHeaders;
    private final RetentionDays accessLogRetention;
    private final RemovalPolicy logRemovalPolicy;
    private final Boolean cloudWatchRole;
    private final RemovalPolicy cloudWatchRoleRemovalPolicy;
    private final String webAclArn;
    private final ClientRateLimit clientRateLimit;
    private final IOperations operations;
    private final Number serverErrorAlarmThreshold;
    private final Number clientErrorRateAlarmPercent;
    private final Duration latencyAlarmThreshold;

    private ServerlessApiProps(Builder b) {
        this.userPool = b.userPool;
        this.userDirectory = b.userDirectory;
        this.apiName = b.apiName;
        this.stageName = b.stageName;
        this.throttlingRateLimit = b.throttlingRateLimit;
        this.throttlingBurstLimit = b.throttlingBurstLimit;
        this.corsAllowOrigins = b.corsAllowOrigins == null ? null : List.copyOf(b.corsAllowOrigins);
        this.corsAllowHeaders = b.corsAllowHeaders == null ? null : List.copyOf(b.corsAllowHeaders);
        this.accessLogRetention = b.accessLogRetention;
        this.logRemovalPolicy = b.logRemovalPolicy;
        this.cloudWatchRole = b.cloudWatchRole;
        this.cloudWatchRoleRemovalPolicy = b.cloudWatchRoleRemovalPolicy;
        this.webAclArn = b.webAclArn;
        this.clientRateLimit = b.clientRateLimit;
        this.operations = b.operations;
        this.serverErrorAlarmThreshold = b.serverErrorAlarmThreshold;
        this.clientErrorRateAlarmPercent = b.clientErrorRateAlarmPercent;
        this.latencyAlarmThreshold = b.latencyAlarmThreshold;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The user pool whose tokens the Cognito authorizer accepts, when it is not a {@link UserDirectory}'s. Routes
     * restricted to groups then need groups added to this pool in the app ({@code UserPool.addGroup}).
     *
     * @default the user pool of {@link #getUserDirectory()}; with neither, routes may not use Cognito
     *     ({@code authenticated}, {@code groups}) and declaring one fails naming the route
     */
    public IUserPool getUserPool() {
        return userPool;
    }

    /**
     * The user directory whose tokens the Cognito authorizer accepts; {@code RouteAccess.groups(...)} may name only
     * its groups.
     *
     * @default none: the API has no Cognito authorizer unless {@link #getUserPool()} is given
     */
    public IUserDirectory getUserDirectory() {
        return userDirectory;
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
     * Origins of browser clients allowed by CORS. The preflight on every resource with routes answers
     * {@code Access-Control-Allow-Origin} with the request's origin when it is one of these, and none otherwise
     * ({@code Vary: Origin}). API Gateway's own error responses (authorizer, throttling, validation, 5XX) cannot
     * choose a value per request: with one origin they name it, with several they name none, so a browser on
     * any origin reports them as CORS errors. Handlers must add the header to their own responses the same way.
     *
     * @default no CORS
     */
    public List<String> getCorsAllowOrigins() {
        return corsAllowOrigins;
    }

    /**
     * Request headers browsers may send (the preflight's {@code Access-Control-Allow-Headers}).
     *
     * @default Content-Type and Authorization
     */
    public List<String> getCorsAllowHeaders() {
        return corsAllowHeaders;
    }

    /**
     * How long the access log group keeps its events.
     *
     * @default the stage profile's, else RetentionDays.ONE_MONTH
     */
    public RetentionDays getAccessLogRetention() {
        return accessLogRetention;
    }

    /**
     * What happens to the access log group when the stack is deleted.
     *
     * @default the stage profile's, else RemovalPolicy.RETAIN
     */
    public RemovalPolicy getLogRemovalPolicy() {
        return logRemovalPolicy;
    }

    /**
     * Whether to set the account's API Gateway CloudWatch role ({@code AWS::ApiGateway::Account}, an account and
     * region wide setting) to a role of this stack. API Gateway writes execution and access logs only when that role
     * is set, and a stage with logging fails to deploy in an account without it, so the default sets it. One role
     * and one setting per stack, shared by all its APIs. Set {@code false} where the account already has it (set by
     * another stack, or by the organisation's baseline): with several stacks in one account, keep it in one.
     *
     * @default true
     */
    public Boolean getCloudWatchRole() {
        return cloudWatchRole;
    }

    /**
     * What happens to the CloudWatch role when the stack is deleted. The account setting outlives the stack and
     * every API in the account logs through that role, so by default it is kept.
     *
     * @default RemovalPolicy.RETAIN
     */
    public RemovalPolicy getCloudWatchRoleRemovalPolicy() {
        return cloudWatchRoleRemovalPolicy;
    }

    /**
     * ARN of a WAFv2 web ACL (scope REGIONAL) to associate with the stage instead of the one the API creates for
     * {@link #getClientRateLimit()}: the organisation's own rules (its rate limits included). Giving both fails.
     *
     * @default the API's own web ACL with the per-client rate limit
     */
    public String getWebAclArn() {
        return webAclArn;
    }

    /**
     * How many requests one client (source IP) may send in a window before the API answers 429 with a JSON body and
     * {@code Retry-After}: a web ACL with one rate-based rule, associated with the stage. Stage throttling caps the
     * whole API; this keeps one anonymous client from taking all of it. {@link ClientRateLimit#none} opts out with
     * a reason. Costs a web ACL and a rule a month plus WAF's per-request price (the review's cost estimate lists
     * them).
     *
     * @default {@link ClientRateLimit#byDefault()}: 1,000 requests per client in 5 minutes, unless
     *     {@link #getWebAclArn()} is given
     */
    public ClientRateLimit getClientRateLimit() {
        return clientRateLimit;
    }

    /**
     * Where the API's alarms notify.
     *
     * @default alarms are created without actions
     */
    public IOperations getOperations() {
        return operations;
    }

    /**
     * 5XX responses in five minutes that raise the server errors alarm (at least this many; greater than 0).
     *
     * @default 1
     */
    public Number getServerErrorAlarmThreshold() {
        return serverErrorAlarmThreshold;
    }

    /**
     * Percentage of 4XX responses in five minutes that raises the client errors alarm.
     *
     * @default 25
     */
    public Number getClientErrorRateAlarmPercent() {
        return clientErrorRateAlarmPercent;
    }

    /**
     * p99 latency that raises the latency alarm (at least this; greater than 0).
     *
     * @default Duration.seconds(2)
     */
    public Duration getLatencyAlarmThreshold() {
        return latencyAlarmThreshold;
    }

    /** Builder of {@link ServerlessApiProps}. */
    public static final class Builder {
        private IUserPool userPool;
        private IUserDirectory userDirectory;
        private String apiName;
        private String stageName;
        private Number throttlingRateLimit;
        private Number throttlingBurstLimit;
        private List<String> corsAllowOrigins;
        private List<String> corsAllowHeaders;
        private RetentionDays accessLogRetention;
        private RemovalPolicy logRemovalPolicy;
        private Boolean cloudWatchRole;
        private RemovalPolicy cloudWatchRoleRemovalPolicy;
        private String webAclArn;
        private ClientRateLimit clientRateLimit;
        private IOperations operations;
        private Number serverErrorAlarmThreshold;
        private Number clientErrorRateAlarmPercent;
        private Duration latencyAlarmThreshold;

        public Builder userPool(IUserPool userPool) {
            this.userPool = userPool;
            return this;
        }

        public Builder userDirectory(IUserDirectory userDirectory) {
            this.userDirectory = userDirectory;
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

        public Builder corsAllowHeaders(List<String> corsAllowHeaders) {
            this.corsAllowHeaders = corsAllowHeaders;
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

        public Builder cloudWatchRole(Boolean cloudWatchRole) {
            this.cloudWatchRole = cloudWatchRole;
            return this;
        }

        public Builder cloudWatchRoleRemovalPolicy(RemovalPolicy cloudWatchRoleRemovalPolicy) {
            this.cloudWatchRoleRemovalPolicy = cloudWatchRoleRemovalPolicy;
            return this;
        }

        public Builder webAclArn(String webAclArn) {
            this.webAclArn = webAclArn;
            return this;
        }

        public Builder clientRateLimit(ClientRateLimit clientRateLimit) {
            this.clientRateLimit = clientRateLimit;
            return this;
        }

        public Builder operations(IOperations operations) {
            this.operations = operations;
            return this;
        }

        public Builder serverErrorAlarmThreshold(Number serverErrorAlarmThreshold) {
            this.serverErrorAlarmThreshold = serverErrorAlarmThreshold;
            return this;
        }

        public Builder clientErrorRateAlarmPercent(Number clientErrorRateAlarmPercent) {
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
