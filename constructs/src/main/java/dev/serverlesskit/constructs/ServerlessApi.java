package dev.serverlesskit.constructs;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.apigateway.AccessLogFormat;
import software.amazon.awscdk.services.apigateway.AuthorizationType;
import software.amazon.awscdk.services.apigateway.CfnAccount;
import software.amazon.awscdk.services.apigateway.CfnMethod;
import software.amazon.awscdk.services.apigateway.CfnStage;
import software.amazon.awscdk.services.apigateway.CognitoUserPoolsAuthorizer;
import software.amazon.awscdk.services.apigateway.Cors;
import software.amazon.awscdk.services.apigateway.CorsOptions;
import software.amazon.awscdk.services.apigateway.EndpointType;
import software.amazon.awscdk.services.apigateway.GatewayResponseOptions;
import software.amazon.awscdk.services.apigateway.JsonWithStandardFieldProps;
import software.amazon.awscdk.services.apigateway.LambdaIntegration;
import software.amazon.awscdk.services.apigateway.LogGroupLogDestination;
import software.amazon.awscdk.services.apigateway.Method;
import software.amazon.awscdk.services.apigateway.MethodLoggingLevel;
import software.amazon.awscdk.services.apigateway.MethodOptions;
import software.amazon.awscdk.services.apigateway.Model;
import software.amazon.awscdk.services.apigateway.ModelOptions;
import software.amazon.awscdk.services.apigateway.RequestValidator;
import software.amazon.awscdk.services.apigateway.ResponseType;
import software.amazon.awscdk.services.apigateway.RestApi;
import software.amazon.awscdk.services.apigateway.StageOptions;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.wafv2.CfnWebACLAssociation;
import software.constructs.Construct;

/**
 * A regional REST API whose routes invoke Lambda functions, authenticated by a Cognito user pool unless a route
 * is declared public.
 *
 * <p>Defaults: a Cognito authorizer on every route that is not {@link RouteAccess#publicAccess(String) declared
 * public}; a request validator on every method (with a JSON schema model where the route gives one); stage
 * throttling (50 rps, burst 100) with per-route overrides; JSON access logs with every standard field to a log
 * group with retention; execution logging at ERROR without request bodies; X-Ray tracing and detailed metrics on
 * the stage; JSON bodies on API Gateway's own 4XX and 5XX responses; CORS only when origins are given.
 *
 * <p>Each method records its access in its template metadata under {@value RouteAccess#METADATA_KEY}.
 *
 * <p>Alarms: 5XX count, 4XX rate, p99 latency.
 */
public class ServerlessApi extends Construct {
    private static final Pattern PATH = Pattern.compile("/|(/([A-Za-z0-9._-]+|\\{[A-Za-z0-9_]+\\+?}))+");
    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "ANY");
    private static final List<String> CORS_HEADERS = List.of(
            "Content-Type", "Authorization", "Idempotency-Key", "X-Correlation-Id");

    private final RestApi api;
    private final LogGroup accessLogs;
    private final RequestValidator requestValidator;
    private final Role accountLoggingRole;
    private final String stageName;
    private final Number rateLimit;
    private final Number burstLimit;
    private final Map<String, Route> routes = new LinkedHashMap<>();
    private final List<Alarm> alarms;
    private CognitoUserPoolsAuthorizer authorizer;
    private final ServerlessApiProps props;

    /** A route as declared, for inspection. */
    public static final class Route {
        private final String httpMethod;
        private final String path;
        private final RouteAccess access;
        private final RouteOptions options;
        private final Method method;

        Route(String httpMethod, String path, RouteAccess access, RouteOptions options, Method method) {
            this.httpMethod = httpMethod;
            this.path = path;
            this.access = access;
            this.options = options;
            this.method = method;
        }

        public String getHttpMethod() {
            return httpMethod;
        }

        public String getPath() {
            return path;
        }

        public RouteAccess getAccess() {
            return access;
        }

        public RouteOptions getOptions() {
            return options;
        }

        public Method getMethod() {
            return method;
        }
    }

    public ServerlessApi(Construct scope, String id, ServerlessApiProps props) {
        super(scope, id);
        Check.required("ServerlessApiProps", props);
        Check.required("ServerlessApiProps.userPool", props.getUserPool());
        this.props = props;
        this.stageName = Check.matches("ServerlessApiProps.stageName",
                Check.or(props.getStageName(), "v1"),
                Pattern.compile("[A-Za-z0-9_]{1,128}"), "must be letters, digits or underscores");
        this.rateLimit = Check.or(props.getThrottlingRateLimit(), 50);
        this.burstLimit = Check.or(props.getThrottlingBurstLimit(), 100);
        Check.between("ServerlessApiProps.throttlingRateLimit", rateLimit.doubleValue(), 1, 10000);
        Check.between("ServerlessApiProps.throttlingBurstLimit", burstLimit.doubleValue(), 1, 5000);
        RemovalPolicy logRemoval = Check.or(props.getLogRemovalPolicy(), RemovalPolicy.RETAIN);

        this.accessLogs = LogGroup.Builder.create(this, "AccessLogs")
                .retention(Check.or(props.getAccessLogRetention(), RetentionDays.ONE_MONTH))
                .removalPolicy(logRemoval)
                .build();

        List<String> origins = Check.or(props.getCorsAllowOrigins(), List.of());
        for (String origin : origins) {
            Check.matches("ServerlessApiProps.corsAllowOrigins", origin,
                    Pattern.compile("https?://[A-Za-z0-9.-]+(:\\d+)?"), "must hold origins like https://app.example.com");
        }

        this.api = RestApi.Builder.create(this, "Api")
                .restApiName(Check.or(props.getApiName(), getNode().getPath().replace('/', '-')))
                .description("Serverless Kit API " + getNode().getPath())
                .endpointTypes(List.of(EndpointType.REGIONAL))
                .cloudWatchRole(false)
                .deployOptions(StageOptions.builder()
                        .stageName(stageName)
                        .tracingEnabled(true)
                        .metricsEnabled(true)
                        .loggingLevel(MethodLoggingLevel.ERROR)
                        .dataTraceEnabled(false)
                        .throttlingRateLimit(rateLimit)
                        .throttlingBurstLimit(burstLimit)
                        .accessLogDestination(new LogGroupLogDestination(accessLogs))
                        .accessLogFormat(AccessLogFormat.jsonWithStandardFields(JsonWithStandardFieldProps.builder()
                                .caller(true).httpMethod(true).ip(true).protocol(true).requestTime(true)
                                .resourcePath(true).responseLength(true).status(true).user(true)
                                .build()))
                        .build())
                .defaultCorsPreflightOptions(origins.isEmpty() ? null : CorsOptions.builder()
                        .allowOrigins(origins)
                        .allowMethods(Cors.ALL_METHODS)
                        .allowHeaders(CORS_HEADERS)
                        .maxAge(Duration.hours(1))
                        .build())
                .build();

        Map<String, String> errorHeaders = origins.isEmpty() ? null
                : Map.of("Access-Control-Allow-Origin", "'" + origins.get(0) + "'");
        String errorBody = "{\"error\":{\"code\":\"$context.error.responseType\",\"message\":$context.error.messageString}}";
        api.addGatewayResponse("Default4xx", GatewayResponseOptions.builder()
                .type(ResponseType.DEFAULT_4_XX).responseHeaders(errorHeaders)
                .templates(Map.of("application/json", errorBody)).build());
        api.addGatewayResponse("Default5xx", GatewayResponseOptions.builder()
                .type(ResponseType.DEFAULT_5_XX).responseHeaders(errorHeaders)
                .templates(Map.of("application/json", errorBody)).build());

        this.requestValidator = RequestValidator.Builder.create(this, "RequestValidator")
                .restApi(api)
                .validateRequestBody(true)
                .validateRequestParameters(true)
                .build();

        if (props.getConfigureAccountLogging() == null || props.getConfigureAccountLogging()) {
            this.accountLoggingRole = Role.Builder.create(this, "AccountLoggingRole")
                    .assumedBy(new ServicePrincipal("apigateway.amazonaws.com"))
                    .description("Lets API Gateway write execution and access logs in this account and region")
                    .build();
            String logGroups = Stack.of(this).formatArn(ArnComponents.builder()
                    .service("logs").resource("log-group").resourceName("*")
                    .arnFormat(ArnFormat.COLON_RESOURCE_NAME).build());
            accountLoggingRole.addToPolicy(PolicyStatement.Builder.create()
                    .actions(List.of("logs:CreateLogGroup", "logs:CreateLogStream", "logs:DescribeLogGroups",
                            "logs:DescribeLogStreams", "logs:PutLogEvents", "logs:GetLogEvents", "logs:FilterLogEvents"))
                    .resources(List.of(logGroups))
                    .build());
            NagAcknowledgments.acknowledgeWildcardResource(accountLoggingRole, logGroups,
                    "The API Gateway CloudWatch role is account-wide: API Gateway creates and writes execution log"
                            + " groups named after each API at runtime, so the role cannot name them.");
            CfnAccount account = CfnAccount.Builder.create(this, "Account")
                    .cloudWatchRoleArn(accountLoggingRole.getRoleArn())
                    .build();
            api.getDeploymentStage().getNode().addDependency(account);
        } else {
            this.accountLoggingRole = null;
        }

        if (props.getWebAclArn() != null) {
            CfnWebACLAssociation.Builder.create(this, "WebAclAssociation")
                    .resourceArn(api.getDeploymentStage().getStageArn())
                    .webAclArn(props.getWebAclArn())
                    .build();
        } else {
            NagAcknowledgments.acknowledge(api.getDeploymentStage(), "AwsSolutions-APIG3",
                    "No web ACL was given (ServerlessApiProps.webAclArn); the stage's rate and burst"
                            + " throttling limits abuse. Associate the organisation's WAF web ACL where required.");
        }
        applyMethodSettings();

        AlarmFactory alarmFactory = new AlarmFactory(this, props.getOperations());
        MetricOptions sum = MetricOptions.builder().period(Duration.minutes(5)).statistic("Sum").build();
        alarmFactory.atLeast("ServerErrorsAlarm", api.metricServerError(sum),
                Check.or(props.getServerErrorAlarmThreshold(), 1.0),
                "API 5XX responses");
        double clientErrorPercent = Check.between("ServerlessApiProps.clientErrorRateAlarmPercent",
                Check.or(props.getClientErrorRateAlarmPercent(), 25.0), 1, 100);
        alarmFactory.atLeast("ClientErrorRateAlarm",
                api.metricClientError(MetricOptions.builder().period(Duration.minutes(5)).statistic("Average").build()),
                clientErrorPercent / 100, "API 4XX responses above " + (int) clientErrorPercent + "% of requests");
        Duration latency = Check.or(props.getLatencyAlarmThreshold(), Duration.seconds(2));
        alarmFactory.atLeast("LatencyAlarm",
                api.metricLatency(MetricOptions.builder().period(Duration.minutes(5)).statistic("p99").build()),
                latency.toMilliseconds().doubleValue(), "API p99 latency above " + latency.toMilliseconds() + " ms");
        this.alarms = alarmFactory.alarms();
    }

    /** Adds a route with default options. */
    public Method addRoute(String httpMethod, String path, IFunction handler, RouteAccess access) {
        return addRoute(httpMethod, path, handler, access, RouteOptions.builder().build());
    }

    /**
     * Adds a route: {@code httpMethod path} invokes {@code handler} (a Lambda proxy integration) for callers
     * allowed by {@code access}.
     *
     * @param httpMethod GET, POST, PUT, PATCH, DELETE, HEAD or ANY
     * @param path       starts with '/', segments of letters, digits and {@code ._-} or {@code {param}}
     * @param handler    the function, preferably a {@link JavaFunction#getAlias() published alias}
     * @param access     who may call the route; required
     * @param options    request schema and throttling overrides
     */
    public Method addRoute(String httpMethod, String path, IFunction handler, RouteAccess access, RouteOptions options) {
        String verb = Check.notBlank("ServerlessApi.addRoute(httpMethod)", httpMethod).toUpperCase(Locale.ROOT);
        Check.that(METHODS.contains(verb), "ServerlessApi.addRoute(httpMethod) must be one of " + METHODS
                + " (got '" + httpMethod + "')");
        Check.matches("ServerlessApi.addRoute(path)", path, PATH,
                "must start with '/' and hold segments of letters, digits, '._-' or {param}");
        Check.required("ServerlessApi.addRoute(handler)", handler);
        Check.required("ServerlessApi.addRoute(access) for " + verb + " " + path, access);
        RouteOptions opts = options == null ? RouteOptions.builder().build() : options;
        String key = verb + " " + path;
        Check.that(!routes.containsKey(key), "ServerlessApi.addRoute: route " + key + " is declared twice");

        MethodOptions.Builder methodOptions = MethodOptions.builder()
                .requestValidator(requestValidator)
                .operationName(operationName(verb, path));
        if (access.requiresToken()) {
            methodOptions.authorizer(authorizer()).authorizationType(AuthorizationType.COGNITO);
        } else {
            methodOptions.authorizationType(AuthorizationType.NONE);
        }
        if (opts.getRequestSchema() != null) {
            Model model = api.addModel("Model" + operationName(verb, path), ModelOptions.builder()
                    .contentType("application/json")
                    .schema(opts.getRequestSchema())
                    .build());
            methodOptions.requestModels(Map.of("application/json", model));
        }

        Method method = api.getRoot().resourceForPath(path).addMethod(verb,
                LambdaIntegration.Builder.create(handler).proxy(true).allowTestInvoke(false).build(),
                methodOptions.build());
        CfnMethod cfnMethod = (CfnMethod) method.getNode().getDefaultChild();
        cfnMethod.addMetadata(RouteAccess.METADATA_KEY, access.describe());
        if (!access.requiresToken()) {
            String reason = "Deliberately public route " + key + ": " + access.getJustification();
            Map<String, String> acknowledgments = new LinkedHashMap<>();
            acknowledgments.put("AwsSolutions-APIG4", reason);
            acknowledgments.put("AwsSolutions-COG4", reason);
            NagAcknowledgments.acknowledge(method, acknowledgments);
        }
        routes.put(key, new Route(verb, path, access, opts, method));
        if (opts.getThrottlingRateLimit() != null || opts.getThrottlingBurstLimit() != null) {
            applyMethodSettings();
        }
        return method;
    }

    private CognitoUserPoolsAuthorizer authorizer() {
        if (authorizer == null) {
            authorizer = CognitoUserPoolsAuthorizer.Builder.create(this, "Authorizer")
                    .cognitoUserPools(List.of(props.getUserPool()))
                    .identitySource("method.request.header.Authorization")
                    .resultsCacheTtl(Duration.minutes(5))
                    .build();
        }
        return authorizer;
    }

    /** Stage-wide settings plus one entry per route with a throttling override (which must repeat logging). */
    private void applyMethodSettings() {
        List<Object> settings = new ArrayList<>();
        settings.add(methodSetting("*", "/*", rateLimit, burstLimit));
        for (Route route : routes.values()) {
            RouteOptions o = route.getOptions();
            if (o.getThrottlingRateLimit() == null && o.getThrottlingBurstLimit() == null) {
                continue;
            }
            Number rate = Check.or(o.getThrottlingRateLimit(), rateLimit);
            Number burst = Check.or(o.getThrottlingBurstLimit(), burstLimit);
            Check.between("RouteOptions.throttlingRateLimit of " + route.getHttpMethod() + " " + route.getPath(),
                    rate.doubleValue(), 1, 10000);
            Check.between("RouteOptions.throttlingBurstLimit of " + route.getHttpMethod() + " " + route.getPath(),
                    burst.doubleValue(), 1, 5000);
            // CloudFormation wants "/resource/sub" encoded as "/~1resource~1sub".
            String resourcePath = "/" + route.getPath().replace("/", "~1");
            settings.add(methodSetting(route.getHttpMethod(), resourcePath, rate, burst));
        }
        ((CfnStage) api.getDeploymentStage().getNode().getDefaultChild()).setMethodSettings(settings);
    }

    private static CfnStage.MethodSettingProperty methodSetting(String httpMethod, String resourcePath,
                                                                Number rate, Number burst) {
        return CfnStage.MethodSettingProperty.builder()
                .httpMethod(httpMethod)
                .resourcePath(resourcePath)
                .loggingLevel("ERROR")
                .dataTraceEnabled(false)
                .metricsEnabled(true)
                .throttlingRateLimit(rate)
                .throttlingBurstLimit(burst)
                .build();
    }

    private static String operationName(String verb, String path) {
        StringBuilder name = new StringBuilder(verb.charAt(0) + verb.substring(1).toLowerCase(Locale.ROOT));
        for (String segment : path.split("[/{}+._-]+")) {
            if (!segment.isEmpty()) {
                name.append(Character.toUpperCase(segment.charAt(0))).append(segment.substring(1));
            }
        }
        return name.toString();
    }

    /** The underlying REST API (escape hatch). */
    public RestApi getApi() {
        return api;
    }

    /** The stage's base URL, ending in '/'. */
    public String getUrl() {
        return api.getUrl();
    }

    public String getStageName() {
        return stageName;
    }

    public LogGroup getAccessLogs() {
        return accessLogs;
    }

    /** The Cognito authorizer, or null before the first route that requires a token. */
    public CognitoUserPoolsAuthorizer getAuthorizer() {
        return authorizer;
    }

    /** The account-level CloudWatch role, or null when {@code configureAccountLogging} is false. */
    public Role getAccountLoggingRole() {
        return accountLoggingRole;
    }

    /** The routes declared so far, as "METHOD /path" to route. */
    public Map<String, Route> getRoutes() {
        return Collections.unmodifiableMap(routes);
    }

    public List<Alarm> getAlarms() {
        return alarms;
    }
}
