package dev.serverlesskit.constructs;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Token;
import software.amazon.awscdk.services.apigateway.AccessLogFormat;
import software.amazon.awscdk.services.apigateway.AuthorizationType;
import software.amazon.awscdk.services.apigateway.CfnMethod;
import software.amazon.awscdk.services.apigateway.CfnStage;
import software.amazon.awscdk.services.apigateway.CognitoUserPoolsAuthorizer;
import software.amazon.awscdk.services.apigateway.Cors;
import software.amazon.awscdk.services.apigateway.IResource;
import software.amazon.awscdk.services.apigateway.IntegrationResponse;
import software.amazon.awscdk.services.apigateway.MethodResponse;
import software.amazon.awscdk.services.apigateway.MockIntegration;
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
import software.amazon.awscdk.services.apigateway.RequestAuthorizer;
import software.amazon.awscdk.services.apigateway.RequestValidator;
import software.amazon.awscdk.services.apigateway.UsagePlan;
import software.amazon.awscdk.services.apigateway.UsagePlanPerApiStage;
import software.amazon.awscdk.services.apigateway.UsagePlanProps;
import software.amazon.awscdk.services.iam.Grant;
import software.amazon.awscdk.services.iam.GrantOnPrincipalOptions;
import software.amazon.awscdk.services.iam.IGrantable;
import software.amazon.awscdk.services.iam.IPrincipal;
import software.amazon.awscdk.services.apigateway.ResponseType;
import software.amazon.awscdk.services.apigateway.RestApi;
import software.amazon.awscdk.services.apigateway.StageOptions;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.cognito.CfnUserPoolGroup;
import software.amazon.awscdk.services.cognito.IUserPool;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.IAlias;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.lambda.IVersion;
import software.amazon.awscdk.services.lambda.Version;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.Names;
import software.amazon.awscdk.services.wafv2.CfnWebACL;
import software.amazon.awscdk.services.wafv2.CfnWebACLAssociation;
import software.constructs.Construct;
import software.constructs.IConstruct;

/**
 * A regional REST API whose routes invoke Lambda functions, each route with the access it declares
 * ({@link RouteAccess}): a Cognito user pool, IAM, a Lambda request authorizer, or public with a reason; an API key
 * of a usage plan on top where a route asks for one ({@link RouteOptions#getApiKeyRequired()}).
 *
 * <p>Defaults: no route without a declared access; a user pool only where a route uses Cognito; a request validator on every method (with a JSON schema model where the route gives one); stage
 * throttling (50 rps, burst 100) with per-route overrides; JSON access logs with every standard field to a log
 * group with retention; execution logging at ERROR without request bodies; X-Ray tracing and detailed metrics on
 * the stage; JSON bodies on API Gateway's own 4XX and 5XX responses; CORS only when origins are given; a web ACL
 * that answers 429 to a client (source IP) over 1,000 requests in 5 minutes ({@link ClientRateLimit}).
 *
 * <p>Each method records its access in its template metadata under {@value RouteAccess#METADATA_KEY}.
 *
 * <p>Alarms: 5XX count, 4XX rate, p99 latency.
 */
public class ServerlessApi extends Construct {
    private static final Pattern PATH = Pattern.compile("/|(/([A-Za-z0-9._-]+|\\{[A-Za-z0-9_]+\\+?}))+");
    /**
     * The {@code Retry-After} (seconds) of the API's overload responses: a function over its reserved concurrency
     * (INTEGRATION_FAILURE, mapped to 429) and stage or route throttling (THROTTLED, 429).
     */
    public static final int RETRY_AFTER_SECONDS = 1;
    /** The name of the web ACL's per-client rate rule ({@link ClientRateLimit}). */
    public static final String RATE_RULE_NAME = "RateLimitPerClient";
    private static final String TOO_MANY_REQUESTS_BODY = "too-many-requests";
    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "ANY");
    private static final List<String> DEFAULT_CORS_HEADERS = List.of("Content-Type", "Authorization");
    private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+");

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
    /** One API Gateway authorizer per {@link LambdaAuthorizer} name. */
    private final Map<String, RequestAuthorizer> requestAuthorizers = new TreeMap<>();
    private final Map<String, LambdaAuthorizer> lambdaAuthorizers = new TreeMap<>();
    private final List<UsagePlan> usagePlans = new ArrayList<>();
    private final List<InvokeGrant> invokeGrants = new ArrayList<>();
    private final ServerlessApiProps props;
    private final IUserPool userPool;
    private final List<String> corsOrigins;
    private final List<String> corsHeaders;
    private final Set<String> preflights = new TreeSet<>();
    private final CfnWebACL webAcl;

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
        Check.required(this, "ServerlessApiProps", props);
        Check.that(this, props.getUserPool() == null || props.getUserDirectory() == null,
                "ServerlessApiProps: give userPool or userDirectory, not both");
        // no user pool: routes may not use Cognito, which addRoute checks route by route
        this.userPool = props.getUserDirectory() != null ? props.getUserDirectory().getUserPool()
                : props.getUserPool();
        this.props = props;
        this.stageName = Check.matches(this, "ServerlessApiProps.stageName",
                Check.or(props.getStageName(), "v1"),
                Pattern.compile("[A-Za-z0-9_]{1,128}"), "must be letters, digits or underscores");
        this.rateLimit = Check.or(props.getThrottlingRateLimit(), 50);
        this.burstLimit = Check.or(props.getThrottlingBurstLimit(), 100);
        Check.between(this, "ServerlessApiProps.throttlingRateLimit", rateLimit, 1, 10000);
        Check.wholeBetween(this, "ServerlessApiProps.throttlingBurstLimit", burstLimit, 1, 5000);
        StageProfile profile = StageProfile.of(this);
        RemovalPolicy logRemoval = Check.removalPolicy(this, "ServerlessApiProps.logRemovalPolicy",
                props.getLogRemovalPolicy(), profile.getRemovalPolicy(), RemovalPolicy.RETAIN);

        this.accessLogs = LogGroup.Builder.create(this, "AccessLogs")
                .retention(Check.or(props.getAccessLogRetention(), profile.getLogRetention(), RetentionDays.ONE_MONTH))
                .removalPolicy(logRemoval)
                .build();

        List<String> origins = Check.or(props.getCorsAllowOrigins(), List.of());
        for (String origin : origins) {
            Check.matches(this, "ServerlessApiProps.corsAllowOrigins", origin,
                    Pattern.compile("https?://[A-Za-z0-9.-]+(:\\d+)?"), "must hold origins like https://app.example.com");
        }
        this.corsOrigins = List.copyOf(origins);
        this.corsHeaders = List.copyOf(Check.or(props.getCorsAllowHeaders(), DEFAULT_CORS_HEADERS));
        Check.that(this, !corsHeaders.isEmpty(), "ServerlessApiProps.corsAllowHeaders must not be empty");
        for (String header : corsHeaders) {
            Check.matches(this, "ServerlessApiProps.corsAllowHeaders", header, HEADER_NAME, "must hold header names");
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
                .build();

        // API Gateway's own error responses cannot choose a header value per request: with one origin they name
        // it; with several they name none (a browser then reports a CORS error instead of the 401/429/5xx body)
        // rather than name an origin that may not be the caller's.
        Map<String, String> errorHeaders = origins.size() == 1
                ? Map.of("Access-Control-Allow-Origin", "'" + origins.get(0) + "'") : null;
        String errorBody = "{\"error\":{\"code\":\"$context.error.responseType\",\"message\":$context.error.messageString}}";
        api.addGatewayResponse("Default4xx", GatewayResponseOptions.builder()
                .type(ResponseType.DEFAULT_4_XX).responseHeaders(errorHeaders)
                .templates(Map.of("application/json", errorBody)).build());
        api.addGatewayResponse("Default5xx", GatewayResponseOptions.builder()
                .type(ResponseType.DEFAULT_5_XX).responseHeaders(errorHeaders)
                .templates(Map.of("application/json", errorBody)).build());
        // Overload is 429 with Retry-After, not 500: API Gateway answers a function over its reserved concurrency
        // (Lambda's TooManyRequestsException) with INTEGRATION_FAILURE, a 500 unless mapped, which clients do not
        // retry politely and 5xx alarms page on. Stage and route throttling (THROTTLED) is 429 already and gets the
        // same Retry-After.
        Map<String, String> retryHeaders = new java.util.LinkedHashMap<>();
        if (errorHeaders != null) {
            retryHeaders.putAll(errorHeaders);
        }
        retryHeaders.put("Retry-After", "'" + RETRY_AFTER_SECONDS + "'");
        api.addGatewayResponse("IntegrationFailure", GatewayResponseOptions.builder()
                .type(ResponseType.INTEGRATION_FAILURE).statusCode("429").responseHeaders(retryHeaders)
                .templates(Map.of("application/json", "{\"error\":{\"code\":\"$context.error.responseType\","
                        + "\"message\":\"too many requests for this route: retry after Retry-After seconds\"}}"))
                .build());
        api.addGatewayResponse("Throttled", GatewayResponseOptions.builder()
                .type(ResponseType.THROTTLED).responseHeaders(retryHeaders)
                .templates(Map.of("application/json", errorBody)).build());

        this.requestValidator = RequestValidator.Builder.create(this, "RequestValidator")
                .restApi(api)
                .validateRequestBody(true)
                .validateRequestParameters(true)
                .build();

        if (Check.or(props.getCloudWatchRole(), true)) {
            // One per stack, shared by its APIs: the setting is account and region wide (see cloudWatchRole)
            ApiGatewayAccount account = ApiGatewayAccount.of(Stack.of(this),
                    Check.removalPolicy(this, "ServerlessApiProps.cloudWatchRoleRemovalPolicy",
                            props.getCloudWatchRoleRemovalPolicy(), null, RemovalPolicy.RETAIN));
            this.accountLoggingRole = account.getRole();
            api.getDeploymentStage().getNode().addDependency(account.getAccount());
        } else {
            this.accountLoggingRole = null;
        }

        this.webAcl = webAcl(props, retryHeaders);
        applyMethodSettings();

        AlarmFactory alarmFactory = new AlarmFactory(this, props.getOperations());
        MetricOptions sum = MetricOptions.builder().period(Duration.minutes(5)).statistic("Sum").build();
        alarmFactory.atLeast("ServerErrorsAlarm", api.metricServerError(sum),
                Check.positiveThreshold(this, "ServerlessApiProps.serverErrorAlarmThreshold",
                        Check.or(props.getServerErrorAlarmThreshold(), 1)),
                "API 5XX responses");
        Number clientErrorPercent = Check.between(this, "ServerlessApiProps.clientErrorRateAlarmPercent",
                Check.or(props.getClientErrorRateAlarmPercent(), 25), 1, 100);
        // the metric's average is the share of 4XX responses, 0 to 1
        alarmFactory.percentOf("ClientErrorRateAlarm",
                api.metricClientError(MetricOptions.builder().period(Duration.minutes(5)).statistic("Average").build()),
                Duration.minutes(5), clientErrorPercent, 1, 1, exact -> exact,
                "API 4XX responses above " + Check.show(clientErrorPercent) + "% of requests");
        Duration latency = Check.or(props.getLatencyAlarmThreshold(), Duration.seconds(2));
        Number latencyMillis = Check.positiveThreshold(this, "ServerlessApiProps.latencyAlarmThreshold (ms)",
                Check.millis(this, "ServerlessApiProps.latencyAlarmThreshold", latency));
        alarmFactory.atLeast("LatencyAlarm",
                api.metricLatency(MetricOptions.builder().period(Duration.minutes(5)).statistic("p99").build()),
                latencyMillis, "API p99 latency above " + Check.show(latencyMillis) + " ms");
        this.alarms = alarmFactory.alarms();
        getNode().addValidation(() -> {
            List<String> errors = overbroadInvokeGrants();
            if (usagePlans.isEmpty()) {
                routes.values().stream().filter(r -> Boolean.TRUE.equals(r.getOptions().getApiKeyRequired()))
                        .forEach(r -> errors.add("ServerlessApi: " + r.getHttpMethod() + " " + r.getPath()
                                + " requires an API key, but the API has no usage plan whose keys it could accept:"
                                + " add one with ServerlessApi.addUsagePlan"));
            }
            return errors;
        });
    }

    /**
     * The stage's web ACL: the caller's ({@code webAclArn}), or one of the API's own with the per-client rate limit
     * ({@code clientRateLimit}), or none when the rate limit is declared {@link ClientRateLimit#none} with a reason.
     *
     * @return the API's own web ACL, or null when it has none of its own
     */
    private CfnWebACL webAcl(ServerlessApiProps props, Map<String, String> retryHeaders) {
        ClientRateLimit limit = props.getClientRateLimit();
        if (props.getWebAclArn() != null) {
            Check.that(this, limit == null, "ServerlessApiProps: give either webAclArn (the organisation's web ACL,"
                    + " with its own rate rules) or clientRateLimit (the API's own web ACL), not both");
            CfnWebACLAssociation.Builder.create(this, "WebAclAssociation")
                    .resourceArn(api.getDeploymentStage().getStageArn())
                    .webAclArn(props.getWebAclArn())
                    .build();
            return null;
        }
        limit = Check.or(limit, ClientRateLimit.byDefault());
        if (limit.isNone()) {
            NagAcknowledgments.acknowledge(api.getDeploymentStage(), "AwsSolutions-APIG3",
                    "No web ACL (ServerlessApiProps.clientRateLimit is ClientRateLimit.none): "
                            + limit.getReasonForNone());
            return null;
        }
        Number requests = Check.wholeBetween(this, "ServerlessApiProps.clientRateLimit (requests)",
                limit.getRequests(), 10, 2_000_000_000L);
        Duration window = limit.getWindow();
        Number windowSeconds;
        if (window.isUnresolved()) {
            windowSeconds = window.toSeconds();
        } else {
            double seconds = window.toMilliseconds().doubleValue() / 1000;
            Check.that(this, ClientRateLimit.WINDOWS_SECONDS.contains((int) seconds) && seconds == Math.rint(seconds),
                    "ServerlessApiProps.clientRateLimit (window) must be 1, 2, 5 or 10 minutes, the windows AWS WAF"
                            + " counts in (got " + window.toHumanString() + ")");
            windowSeconds = (int) seconds;
        }
        List<CfnWebACL.CustomHTTPHeaderProperty> headers = new ArrayList<>();
        retryHeaders.forEach((name, value) -> headers.add(CfnWebACL.CustomHTTPHeaderProperty.builder()
                .name(name).value(value.substring(1, value.length() - 1)).build()));
        String metricPrefix = Names.uniqueId(this);
        CfnWebACL acl = CfnWebACL.Builder.create(this, "WebAcl")
                .scope("REGIONAL")
                .defaultAction(CfnWebACL.DefaultActionProperty.builder()
                        .allow(CfnWebACL.AllowActionProperty.builder().build()).build())
                .customResponseBodies(Map.of(TOO_MANY_REQUESTS_BODY, CfnWebACL.CustomResponseBodyProperty.builder()
                        .contentType("APPLICATION_JSON")
                        .content("{\"error\":{\"code\":\"TOO_MANY_REQUESTS\",\"message\":\"too many requests from"
                                + " this client: retry after Retry-After seconds\"}}")
                        .build()))
                .rules(List.of(CfnWebACL.RuleProperty.builder()
                        .name(RATE_RULE_NAME)
                        .priority(0)
                        .statement(CfnWebACL.StatementProperty.builder()
                                .rateBasedStatement(CfnWebACL.RateBasedStatementProperty.builder()
                                        .aggregateKeyType("IP")
                                        .limit(requests)
                                        .evaluationWindowSec(windowSeconds)
                                        .build())
                                .build())
                        .action(CfnWebACL.RuleActionProperty.builder()
                                .block(CfnWebACL.BlockActionProperty.builder()
                                        .customResponse(CfnWebACL.CustomResponseProperty.builder()
                                                .responseCode(429)
                                                .customResponseBodyKey(TOO_MANY_REQUESTS_BODY)
                                                .responseHeaders(headers)
                                                .build())
                                        .build())
                                .build())
                        .visibilityConfig(visibility(metricPrefix + RATE_RULE_NAME))
                        .build()))
                .visibilityConfig(visibility(metricPrefix))
                .build();
        CfnWebACLAssociation.Builder.create(this, "WebAclAssociation")
                .resourceArn(api.getDeploymentStage().getStageArn())
                .webAclArn(acl.getAttrArn())
                .build();
        return acl;
    }

    private static CfnWebACL.VisibilityConfigProperty visibility(String metricName) {
        return CfnWebACL.VisibilityConfigProperty.builder()
                .metricName(metricName.length() > 128 ? metricName.substring(0, 128) : metricName)
                .cloudWatchMetricsEnabled(true)
                .sampledRequestsEnabled(true)
                .build();
    }

    /**
     * The API's own web ACL ({@link ServerlessApiProps#getClientRateLimit()}), or null when the stage has the
     * caller's web ACL or none.
     */
    public CfnWebACL getWebAcl() {
        return webAcl;
    }

    /** Adds a route to a {@link JavaFunction}, with default options. */
    public Method addRoute(String httpMethod, String path, JavaFunction function, RouteAccess access) {
        return addRoute(httpMethod, path, function, access, RouteOptions.builder().build());
    }

    /**
     * Adds a route: {@code httpMethod path} invokes the function's alias {@value JavaFunction#ALIAS_NAME} (a Lambda
     * proxy integration), the published version SnapStart applies to, for callers allowed by {@code access}.
     *
     * @param httpMethod GET, POST, PUT, PATCH, DELETE, HEAD or ANY
     * @param path       starts with '/', segments of letters, digits and {@code ._-} or {@code {param}}
     * @param function   the function serving the route
     * @param access     who may call the route; required
     * @param options    request schema and throttling overrides
     */
    public Method addRoute(String httpMethod, String path, JavaFunction function, RouteAccess access,
                           RouteOptions options) {
        Check.required(this, "ServerlessApi.addRoute(function)", function);
        return addRoute(httpMethod, path, function.getAlias(), access, options);
    }

    /** Adds a route to an alias or published version, with default options. */
    public Method addRoute(String httpMethod, String path, IFunction handler, RouteAccess access) {
        return addRoute(httpMethod, path, handler, access, RouteOptions.builder().build());
    }

    /**
     * Adds a route to a function that is not a {@link JavaFunction}: {@code handler} must be an alias or a published
     * version ({@code IAlias}, {@code IVersion}, such as one imported with {@code Alias.fromAliasAttributes}).
     * An unqualified function fails: API Gateway would invoke its {@code $LATEST}, which SnapStart never applies to
     * and which changes under a deployment's feet.
     *
     * @param httpMethod GET, POST, PUT, PATCH, DELETE, HEAD or ANY
     * @param path       starts with '/', segments of letters, digits and {@code ._-} or {@code {param}}
     * @param handler    an alias or published version
     * @param access     who may call the route; required
     * @param options    request schema and throttling overrides
     */
    public Method addRoute(String httpMethod, String path, IFunction handler, RouteAccess access, RouteOptions options) {
        String verb = Check.notBlank(this, "ServerlessApi.addRoute(httpMethod)", httpMethod).toUpperCase(Locale.ROOT);
        Check.that(this, METHODS.contains(verb), "ServerlessApi.addRoute(httpMethod) must be one of " + METHODS
                + " (got '" + httpMethod + "')");
        Check.matches(this, "ServerlessApi.addRoute(path)", path, PATH,
                "must start with '/' and hold segments of letters, digits, '._-' or {param}");
        Check.required(this, "ServerlessApi.addRoute(handler)", handler);
        Check.required(this, "ServerlessApi.addRoute(access) for " + verb + " " + path, access);
        RouteOptions opts = options == null ? RouteOptions.builder().build() : options;
        String key = verb + " " + path;
        Check.that(this, !routes.containsKey(key), "ServerlessApi.addRoute: route " + key + " is declared twice");
        checkQualified(key, handler);
        Check.that(this, !access.usesCognito() || userPool != null, "ServerlessApi.addRoute: " + key + " is "
                + access.describe() + ", which needs a Cognito user pool, but the API has none: give"
                + " ServerlessApiProps.userDirectory or userPool, or declare another access (RouteAccess.iam(),"
                + " lambdaAuthorizer(...), publicAccess(reason))");
        checkGroupsExist(key, access);
        checkAuthorizerName(key, access);
        Function function = functionOf(handler);
        Check.that(this, function != null || access.getKind() != RouteAccess.Kind.GROUPS, "ServerlessApi.addRoute: " + key
                + " is restricted to groups " + access.getGroups() + ", which its function must check, but the API"
                + " cannot set the environment of " + handler.getNode().getPath() + ": give a Function or an Alias of"
                + " one (JavaFunction.getAlias())");
        // before any resource is added, so that a conflict leaves the API as it was
        String routeAccessJson = function == null ? null
                : RouteAccessRegistry.of(function).register(this, key, access.describe());

        boolean apiKeyRequired = Boolean.TRUE.equals(opts.getApiKeyRequired());

        MethodOptions.Builder methodOptions = MethodOptions.builder()
                .requestValidator(requestValidator)
                .operationName(operationName(verb, path))
                .apiKeyRequired(apiKeyRequired ? true : null);
        String checker = null;
        switch (access.getKind()) {
            case PUBLIC:
                methodOptions.authorizationType(AuthorizationType.NONE);
                break;
            case IAM:
                methodOptions.authorizationType(AuthorizationType.IAM);
                break;
            case LAMBDA_AUTHORIZER:
                RequestAuthorizer custom = requestAuthorizer(access.getAuthorizer());
                methodOptions.authorizer(custom).authorizationType(AuthorizationType.CUSTOM);
                checker = custom.getNode().getPath();
                break;
            default:
                methodOptions.authorizer(authorizer()).authorizationType(AuthorizationType.COGNITO);
                checker = authorizer().getNode().getPath();
        }
        if (opts.getRequestSchema() != null) {
            Model model = api.addModel("Model" + operationName(verb, path), ModelOptions.builder()
                    .contentType("application/json")
                    .schema(opts.getRequestSchema())
                    .build());
            // "$default": API Gateway validates a body only against the model of its Content-Type, so a model for
            // application/json alone lets any other Content-Type skip validation; $default applies it to all.
            methodOptions.requestModels(Map.of("$default", model));
        }

        IResource resource = api.getRoot().resourceForPath(path);
        addPreflight(resource);
        Method method = resource.addMethod(verb,
                LambdaIntegration.Builder.create(handler).proxy(true).allowTestInvoke(false).build(),
                methodOptions.build());
        CfnMethod cfnMethod = (CfnMethod) method.getNode().getDefaultChild();
        cfnMethod.addMetadata(RouteAccess.METADATA_KEY, access.describe());
        Map<String, Object> details = access.details(checker);
        if (apiKeyRequired) {
            details.put("apiKeyCheckedBy", "API Gateway: an API key (x-api-key header) of a usage plan of the stage");
        }
        cfnMethod.addMetadata(RouteAccess.DETAILS_METADATA_KEY, details);
        if (function != null) {
            function.addEnvironment(RouteAccess.ENVIRONMENT_VARIABLE, routeAccessJson);
        }
        if (!access.requiresToken()) {
            String reason = "Deliberately public route " + key + ": " + access.getJustification();
            Map<String, String> acknowledgments = new LinkedHashMap<>();
            acknowledgments.put("AwsSolutions-APIG4", reason);
            acknowledgments.put("AwsSolutions-COG4", reason);
            NagAcknowledgments.acknowledge(method, acknowledgments);
        } else if (!access.usesCognito()) {
            NagAcknowledgments.acknowledge(method, "AwsSolutions-COG4", "Route " + key + " is authorized by "
                    + (access.getKind() == RouteAccess.Kind.IAM ? "IAM (SigV4)" : "the Lambda request authorizer '"
                    + access.getAuthorizer().getName() + "'") + ", declared with RouteAccess, not by Cognito.");
        }
        routes.put(key, new Route(verb, path, access, opts, method));
        if (opts.getThrottlingRateLimit() != null || opts.getThrottlingBurstLimit() != null) {
            applyMethodSettings();
        }
        return method;
    }

    /**
     * CORS preflight ({@code OPTIONS}) on a resource with routes, answered by API Gateway itself (a mock
     * integration): the allowed methods and headers, and {@code Access-Control-Allow-Origin} set to the request's
     * {@code Origin} only when it is one of the allowed origins (none otherwise), with {@code Vary: Origin}.
     */
    private void addPreflight(IResource resource) {
        if (corsOrigins.isEmpty() || !preflights.add(resource.getPath())) {
            return;
        }
        Map<String, String> headers = new TreeMap<>();
        headers.put("Access-Control-Allow-Headers", "'" + String.join(",", corsHeaders) + "'");
        headers.put("Access-Control-Allow-Methods", "'" + String.join(",", Cors.ALL_METHODS) + "'");
        headers.put("Access-Control-Max-Age", "'3600'");
        headers.put("Vary", "'Origin'");
        Map<String, String> integrationHeaders = new TreeMap<>();
        Map<String, Boolean> methodHeaders = new TreeMap<>();
        headers.forEach((name, value) -> integrationHeaders.put("method.response.header." + name, value));
        headers.keySet().forEach(name -> methodHeaders.put("method.response.header." + name, true));
        methodHeaders.put("method.response.header.Access-Control-Allow-Origin", true);
        StringBuilder condition = new StringBuilder();
        for (String origin : corsOrigins) {
            condition.append(condition.length() == 0 ? "" : " || ").append("$origin == \"").append(origin)
                    .append('"');
        }
        String template = String.join("\n",
                "#set($origin = $input.params().header.get(\"Origin\"))",
                "#if($origin == \"\")",
                "  #set($origin = $input.params().header.get(\"origin\"))",
                "#end",
                "#if(" + condition + ")",
                "  #set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)",
                "#end");
        resource.addMethod("OPTIONS", MockIntegration.Builder.create()
                        .requestTemplates(Map.of("application/json", "{ \"statusCode\": 200 }"))
                        .integrationResponses(List.of(IntegrationResponse.builder()
                                .statusCode("204")
                                .responseParameters(integrationHeaders)
                                .responseTemplates(Map.of("application/json", template))
                                .build()))
                        .build(),
                MethodOptions.builder()
                        .authorizationType(AuthorizationType.NONE)
                        .methodResponses(List.of(MethodResponse.builder().statusCode("204")
                                .responseParameters(methodHeaders).build()))
                        .build());
    }

    /** Fails synthesis when a route's handler is an unqualified function, which API Gateway would invoke as $LATEST. */
    private void checkQualified(String route, IFunction handler) {
        String version = handler instanceof IAlias alias ? alias.getVersion().getVersion()
                : handler instanceof IVersion v ? v.getVersion() : null;
        if (version != null && (Check.isToken(version) || !"$LATEST".equals(version))) {
            return;
        }
        throw Check.error(this, "ServerlessApi.addRoute: " + route + " targets " + handler.getNode().getPath()
                + (version == null ? ", an unqualified function" : ", the $LATEST version") + ", which API Gateway"
                + " would invoke as $LATEST: SnapStart never applies to it and it changes during deployments. Pass"
                + " the JavaFunction (addRoute(method, path, javaFunction, access)), which routes to its alias '"
                + JavaFunction.ALIAS_NAME + "', or an alias or published version of the function (an imported one:"
                + " Alias.fromAliasAttributes)");
    }

    /** Fails synthesis when a group route names a group the user directory (or pool) does not have. */
    private void checkGroupsExist(String route, RouteAccess access) {
        if (access.getKind() != RouteAccess.Kind.GROUPS) {
            return;
        }
        Set<String> known = new TreeSet<>();
        String directory;
        if (props.getUserDirectory() != null) {
            known.addAll(props.getUserDirectory().getGroupNames());
            directory = "user directory " + props.getUserDirectory().getNode().getPath();
        } else {
            for (IConstruct c : userPool.getNode().findAll()) {
                if (c instanceof CfnUserPoolGroup group && group.getGroupName() != null
                        && !Token.isUnresolved(group.getGroupName())) {
                    known.add(group.getGroupName());
                }
            }
            directory = "user pool " + userPool.getNode().getPath();
        }
        for (String group : access.getGroups()) {
            Check.that(this, known.contains(group), "ServerlessApi.addRoute: " + route + " requires group '" + group
                    + "', which " + directory + " does not have (groups: " + known + ")");
        }
    }

    /** The function behind a route's handler: itself, or the function of an alias or version; null otherwise. */
    private static Function functionOf(IFunction handler) {
        if (handler instanceof Function f) {
            return f;
        }
        IFunction lambda = handler instanceof Alias a ? a.getVersion().getLambda()
                : handler instanceof Version v ? v.getLambda() : null;
        return lambda instanceof Function f ? f : null;
    }

    /** The API Gateway authorizer of a {@link LambdaAuthorizer}, created for its first route. */
    private void checkAuthorizerName(String route, RouteAccess access) {
        LambdaAuthorizer definition = access.getAuthorizer();
        if (definition == null) {
            return;
        }
        LambdaAuthorizer known = lambdaAuthorizers.get(definition.getName());
        Check.that(this, known == null || known == definition, "ServerlessApi.addRoute: " + route + " uses Lambda"
                + " authorizer '" + definition.getName() + "', but another authorizer of that name is already used by"
                + " this API: give each LambdaAuthorizer a name of its own and reuse the object");
    }

    private RequestAuthorizer requestAuthorizer(LambdaAuthorizer definition) {
        lambdaAuthorizers.putIfAbsent(definition.getName(), definition);
        return requestAuthorizers.computeIfAbsent(definition.getName(), name -> {
            Duration ttl = Check.wholeSeconds(this, "LambdaAuthorizer.resultsCacheTtl", definition.getResultsCacheTtl(),
                    0, 3600);
            return RequestAuthorizer.Builder.create(this, "Authorizer-" + name)
                    .authorizerName(name)
                    .handler(definition.getHandler().getAlias())
                    .identitySources(definition.getIdentitySources())
                    .resultsCacheTtl(ttl)
                    .build();
        });
    }

    /**
     * Allows {@code grantee} to call an {@link RouteAccess#iam() IAM} route of this API ({@code execute-api:Invoke}
     * on the route's method in this API's stage, path parameters as wildcards).
     *
     * <p>IAM's {@code *} also matches '/', so the grant of {@code GET /orders/{orderId}} covers any IAM route below
     * it, such as {@code GET /orders/{orderId}/notes}. Synthesis fails when a grant covers an IAM route the same
     * grantee was not granted too. The cdk-nag finding on the wildcard (AwsSolutions-IAM5) is acknowledged on the
     * grantee's principal when it is a construct (a role), for that resource only, with this check as its evidence.
     *
     * @throws ValidationError when the route is not declared, or not with {@code RouteAccess.iam()}
     */
    public Grant grantInvoke(IGrantable grantee, String httpMethod, String path) {
        String key = (httpMethod == null ? "" : httpMethod.toUpperCase(Locale.ROOT)) + " " + path;
        Route route = routes.get(key);
        Check.that(this, route != null && route.getAccess().getKind() == RouteAccess.Kind.IAM,
                "ServerlessApi.grantInvoke: " + key + " is not an IAM route of this API (declare it first with"
                        + " RouteAccess.iam()); routes: " + routes.keySet());
        String arnMethod = "ANY".equals(route.getHttpMethod()) ? "*" : route.getHttpMethod();
        String arnPath = InvokePattern.of(path);
        String arn = api.arnForExecuteApi(arnMethod, arnPath, stageName);
        Grant grant = Grant.addToPrincipal(GrantOnPrincipalOptions.builder()
                .grantee(grantee)
                .actions(List.of("execute-api:Invoke"))
                .resourceArns(List.of(arn))
                .build());
        IPrincipal principal = grantee.getGrantPrincipal();
        invokeGrants.add(new InvokeGrant(principal, key, arnMethod, arnPath));
        if ((arnMethod + arnPath).contains("*") && principal instanceof IConstruct holder) {
            // on the principal (a role): its policies are its children, and the finding names this resource only
            NagAcknowledgments.acknowledgeWildcardResource(holder, arn,
                    "execute-api:Invoke on " + key + " of " + getNode().getPath() + ": the wildcard stands for the"
                            + (arnMethod.equals("*") ? " route's methods (ANY) and" : "") + " path parameters;"
                            + " ServerlessApi fails synthesis if it covers an IAM route not granted to this grantee");
        }
        return grant;
    }

    /** A grant of {@link #grantInvoke}: who, which route, and the resource it names. */
    private record InvokeGrant(IPrincipal principal, String routeKey, String arnMethod, String arnPath) {
        boolean covers(Route route) {
            boolean method = arnMethod.equals("*") || "ANY".equals(route.getHttpMethod())
                    || arnMethod.equals(route.getHttpMethod());
            return method && InvokePattern.covers(arnPath, route.getPath());
        }
    }

    /** Errors for grants that cover an IAM route their grantee was not granted. */
    private List<String> overbroadInvokeGrants() {
        List<String> errors = new ArrayList<>();
        for (InvokeGrant grant : invokeGrants) {
            for (Map.Entry<String, Route> other : routes.entrySet()) {
                if (other.getKey().equals(grant.routeKey())
                        || other.getValue().getAccess().getKind() != RouteAccess.Kind.IAM
                        || !grant.covers(other.getValue())
                        || invokeGrants.stream().anyMatch(g -> g.principal() == grant.principal()
                                && g.routeKey().equals(other.getKey()))) {
                    continue;
                }
                errors.add("ServerlessApi.grantInvoke(" + grant.routeKey() + "): its resource "
                        + grant.arnMethod() + grant.arnPath() + " also allows the IAM route " + other.getKey()
                        + ", which this grantee was not granted (IAM's * matches '/' too, so it cannot stop at one"
                        + " path segment): grant " + other.getKey() + " as well, or give the routes paths that do"
                        + " not nest");
            }
        }
        return errors;
    }

    /**
     * Adds a usage plan on this API's stage: the API keys added to it ({@code plan.addApiKey(...)}) may call the
     * routes declared with {@link RouteOptions#getApiKeyRequired()}, within the plan's throttle and quota.
     *
     * @param props the plan's name, throttle and quota; this API's stage is added to its API stages
     */
    public UsagePlan addUsagePlan(String id, UsagePlanProps props) {
        UsagePlan plan = api.addUsagePlan(id, props == null ? UsagePlanProps.builder().build() : props);
        plan.addApiStage(UsagePlanPerApiStage.builder().api(api).stage(api.getDeploymentStage()).build());
        usagePlans.add(plan);
        return plan;
    }

    private CognitoUserPoolsAuthorizer authorizer() {
        if (authorizer == null) {
            authorizer = CognitoUserPoolsAuthorizer.Builder.create(this, "Authorizer")
                    .cognitoUserPools(List.of(userPool))
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
            Check.between(this, "RouteOptions.throttlingRateLimit of " + route.getHttpMethod() + " "
                    + route.getPath(), rate, 1, 10000);
            Check.wholeBetween(this, "RouteOptions.throttlingBurstLimit of " + route.getHttpMethod() + " "
                    + route.getPath(), burst, 1, 5000);
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

    /** The Cognito authorizer, or null before the first route that uses Cognito. */
    public CognitoUserPoolsAuthorizer getAuthorizer() {
        return authorizer;
    }

    /** The API Gateway authorizers of the {@link LambdaAuthorizer}s the routes use, by name. */
    public Map<String, RequestAuthorizer> getRequestAuthorizers() {
        return Collections.unmodifiableMap(requestAuthorizers);
    }

    /** The usage plans added with {@link #addUsagePlan}. */
    public List<UsagePlan> getUsagePlans() {
        return Collections.unmodifiableList(usagePlans);
    }

    /**
     * The API Gateway CloudWatch role of the account setting this API depends on (shared by the stack's APIs), or
     * null when {@code cloudWatchRole} is false.
     */
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
