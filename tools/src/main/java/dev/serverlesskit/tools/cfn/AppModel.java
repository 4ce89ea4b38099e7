package dev.serverlesskit.tools.cfn;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a stage's template deploys, in the terms reviews, costs, capacity and diagrams need: functions, API routes
 * with their access and throttling, tables, queues, event sources, log groups, alarms. Read from the template alone,
 * generically (no logical id or construct path of this app is assumed).
 */
public final class AppModel {
    public static final String ACCESS_METADATA = "serverlesskit:access";
    /** How an inconsistency between the declaration and the function's own check starts; the check follows. */
    public static final String FUNCTION_ENFORCES = "the function enforces ";
    /** The environment variable through which the library's ServerlessApi tells a function each route's access. */
    public static final String ROUTE_ACCESS_VARIABLE = "SERVERLESSKIT_ROUTE_ACCESS";

    /** A Lambda function. {@code reserved} is null when the function has no reserved concurrency. */
    public record Function(String id, String name, int memoryMb, String architecture, Integer reserved,
            int timeoutSeconds, String runtime, String logGroupId, String roleId, boolean tracing, boolean snapStart) {
    }

    /** Throttling that applies to one method: rate in requests per second and burst. */
    public record Throttle(Double rate, Integer burst, String source) {
        public String describe() {
            if (rate == null) {
                return "none";
            }
            return trim(rate) + " rps, burst " + (burst == null ? "?" : burst) + " (" + source + ")";
        }
    }

    /**
     * The per-client rate limit of an API's stage: the first rate-based rule (by priority) of its WAF web ACL that
     * blocks one source IP over {@code requests} in {@code windowSeconds}, unscoped.
     */
    public record ClientLimit(long requests, int windowSeconds) {
        public String describe() {
            return requests + " per " + (windowSeconds % 60 == 0 ? windowSeconds / 60 + " min" : windowSeconds + " s")
                    + " per IP (WAF)";
        }

        /** Whether this limit lets one client send more than {@code other} does, per second. */
        public boolean looserThan(ClientLimit other) {
            return (double) requests / windowSeconds > (double) other.requests / other.windowSeconds;
        }
    }

    /**
     * Who may call a route. {@code kind} is what the template enforces at the gateway ({@code public} without an
     * authorizer), refined by the declared access metadata; {@code declared} is the metadata as written.
     */
    public record Access(String kind, List<String> groups, String authorizationType, String authorizer,
            List<String> scopes, boolean apiKeyRequired, String declared, String reason, Map<String, String> details,
            List<String> inconsistencies) {
        public String describe() {
            StringBuilder sb = new StringBuilder();
            switch (kind) {
                case "public" -> sb.append("public");
                case "groups" -> sb.append("group").append(groups.size() > 1 ? "s " : " ")
                        .append(String.join(", ", groups));
                default -> sb.append("signed in");
            }
            if (authorizer != null) {
                sb.append(" (").append(authorizer).append(")");
            } else if (!"NONE".equals(authorizationType) && authorizationType != null) {
                sb.append(" (").append(authorizationType).append(")");
            }
            if (!scopes.isEmpty()) {
                sb.append(", scopes ").append(String.join(" ", scopes));
            }
            if (apiKeyRequired) {
                sb.append(", API key");
            }
            if (reason != null) {
                sb.append(": \"").append(reason).append("\"");
            } else if (kind.equals("public")) {
                sb.append(" (no reason in the template)");
            }
            details.forEach((k, v) -> sb.append("; ").append(k).append(": ").append(v));
            return sb.toString();
        }

        /** 0 public, 1 any signed-in user, 2 members of groups. */
        public int rank() {
            return switch (kind) {
                case "public" -> 0;
                case "groups" -> 2;
                default -> 1;
            };
        }
    }

    /** An API method that is not a CORS preflight. {@code functionId} is null when it integrates no function. */
    public record Route(String key, String apiId, String methodId, String method, String path, String functionId,
            String integration, Access access, Throttle throttle, List<String> corsOrigins, ClientLimit clientLimit) {
    }

    /** {@code clientLimit} is null when no web ACL limits each client's rate. */
    public record Api(String id, String name, String stageId, String stageName, Throttle defaultThrottle,
            boolean tracing, String accessLogGroupId, ClientLimit clientLimit) {
    }

    public record Table(String id, String name, String billingMode, boolean pointInTimeRecovery, List<String> keys,
            List<String> indexes, boolean deletionProtection) {
    }

    public record Queue(String id, String name, String deadLetterQueueId, Integer maxReceiveCount, boolean fifo) {
    }

    public record EventSource(String id, String sourceId, String functionId, int batchSize, Integer maxConcurrency,
            int batchingWindowSeconds) {
    }

    public record LogGroup(String id, String name, Integer retentionDays) {
    }

    /** An alarm, the resources its metrics watch and how many metrics it evaluates (alarms bill per metric). */
    public record Alarm(String id, String name, String metric, Set<String> watched, int metrics, int periodSeconds,
            boolean anomalyDetection) {
    }

    private final Template template;
    private final Map<String, Function> functions = new LinkedHashMap<>();
    private final List<Route> routes = new ArrayList<>();
    private final Map<String, Api> apis = new LinkedHashMap<>();
    private final Map<String, Table> tables = new LinkedHashMap<>();
    private final Map<String, Queue> queues = new LinkedHashMap<>();
    private final List<EventSource> eventSources = new ArrayList<>();
    private final Map<String, LogGroup> logGroups = new LinkedHashMap<>();
    private final Map<String, Alarm> alarms = new LinkedHashMap<>();

    public AppModel(Template template) {
        this.template = template;
        template.ofType("AWS::Lambda::Function").forEach(this::readFunction);
        template.ofType("AWS::ApiGateway::RestApi").forEach(this::readApi);
        template.ofType("AWS::ApiGateway::Method").forEach(this::readMethod);
        template.ofType("AWS::DynamoDB::Table").forEach(this::readTable);
        template.ofType("AWS::SQS::Queue").forEach(this::readQueue);
        template.ofType("AWS::Lambda::EventSourceMapping").forEach(this::readEventSource);
        template.ofType("AWS::Logs::LogGroup").forEach(id -> logGroups.put(id, new LogGroup(id, template.name(id),
                template.properties(id).has("RetentionInDays")
                        ? template.properties(id).get("RetentionInDays").asInt() : null)));
        template.ofType("AWS::CloudWatch::Alarm").forEach(this::readAlarm);
    }

    public Template template() {
        return template;
    }

    public Map<String, Function> functions() {
        return functions;
    }

    public List<Route> routes() {
        return routes;
    }

    public Map<String, Api> apis() {
        return apis;
    }

    public Map<String, Table> tables() {
        return tables;
    }

    public Map<String, Queue> queues() {
        return queues;
    }

    public List<EventSource> eventSources() {
        return eventSources;
    }

    public Map<String, LogGroup> logGroups() {
        return logGroups;
    }

    public Map<String, Alarm> alarms() {
        return alarms;
    }

    public Optional<Route> route(String key) {
        return routes.stream().filter(r -> r.key().equals(key)).findFirst();
    }

    /** The function a value invokes: a reference to the function itself or to one of its aliases or versions. */
    public Optional<String> functionOf(JsonNode value) {
        for (String id : template.references(value)) {
            String type = template.type(id);
            if (type.equals("AWS::Lambda::Function")) {
                return Optional.of(id);
            }
            if (type.equals("AWS::Lambda::Alias") || type.equals("AWS::Lambda::Version")) {
                Optional<String> fn = template.firstReference(template.properties(id).path("FunctionName"),
                        ref -> template.type(ref).equals("AWS::Lambda::Function"));
                if (fn.isPresent()) {
                    return fn;
                }
            }
        }
        return Optional.empty();
    }

    private void readFunction(String id) {
        JsonNode p = template.properties(id);
        String arch = p.path("Architectures").path(0).asText("x86_64");
        Integer reserved = p.has("ReservedConcurrentExecutions") ? p.get("ReservedConcurrentExecutions").asInt() : null;
        String logGroup = template.firstReference(p.path("LoggingConfig").path("LogGroup"),
                ref -> template.type(ref).equals("AWS::Logs::LogGroup")).orElse(null);
        String role = template.firstReference(p.path("Role"), ref -> template.type(ref).equals("AWS::IAM::Role"))
                .orElse(null);
        functions.put(id, new Function(id, template.name(id), p.path("MemorySize").asInt(128), arch, reserved,
                p.path("Timeout").asInt(3), p.path("Runtime").asText(""), logGroup, role,
                p.path("TracingConfig").path("Mode").asText("").equals("Active"),
                p.path("SnapStart").path("ApplyOn").asText("None").equals("PublishedVersions")));
    }

    private void readApi(String id) {
        String stageId = template.ofType("AWS::ApiGateway::Stage").stream()
                .filter(s -> template.references(template.properties(s).path("RestApiId")).contains(id))
                .findFirst().orElse(null);
        JsonNode stage = stageId == null ? null : template.properties(stageId);
        Throttle throttle = new Throttle(null, null, "none");
        if (stage != null) {
            for (JsonNode setting : stage.path("MethodSettings")) {
                if (setting.path("ResourcePath").asText().equals("/*") && setting.path("HttpMethod").asText()
                        .equals("*")) {
                    throttle = throttle(setting, "stage default");
                }
            }
        }
        String accessLogs = stage == null ? null : template.firstReference(
                stage.path("AccessLogSetting").path("DestinationArn"), ref -> true).orElse(null);
        apis.put(id, new Api(id, template.name(id), stageId, stage == null ? null : stage.path("StageName").asText(),
                throttle, stage != null && stage.path("TracingEnabled").asBoolean(false), accessLogs,
                clientLimit(id, stageId)));
    }

    /** The per-client limit of the web ACL associated with the API's stage, or null. */
    private ClientLimit clientLimit(String apiId, String stageId) {
        for (String association : template.ofType("AWS::WAFv2::WebACLAssociation")) {
            JsonNode p = template.properties(association);
            Set<String> target = template.references(p.path("ResourceArn"));
            if (stageId == null || !target.contains(stageId) && !target.contains(apiId)) {
                continue;
            }
            Optional<String> acl = template.firstReference(p.path("WebACLArn"),
                    ref -> template.type(ref).equals("AWS::WAFv2::WebACL"));
            if (acl.isEmpty()) {
                continue;
            }
            List<JsonNode> rules = new ArrayList<>();
            template.properties(acl.get()).path("Rules").forEach(rules::add);
            rules.sort(java.util.Comparator.comparingInt(r -> r.path("Priority").asInt()));
            for (JsonNode rule : rules) {
                JsonNode rate = rule.path("Statement").path("RateBasedStatement");
                if (rate.path("Limit").isNumber() && rule.path("Action").has("Block")
                        && rate.path("AggregateKeyType").asText().equals("IP") && !rate.has("ScopeDownStatement")) {
                    return new ClientLimit(rate.path("Limit").asLong(), rate.path("EvaluationWindowSec").asInt(300));
                }
            }
        }
        return null;
    }

    private static Throttle throttle(JsonNode setting, String source) {
        Double rate = setting.has("ThrottlingRateLimit") ? setting.get("ThrottlingRateLimit").asDouble() : null;
        Integer burst = setting.has("ThrottlingBurstLimit") ? setting.get("ThrottlingBurstLimit").asInt() : null;
        return rate == null && burst == null ? null : new Throttle(rate, burst, source);
    }

    private void readMethod(String id) {
        JsonNode p = template.properties(id);
        String method = p.path("HttpMethod").asText();
        if (method.equals("OPTIONS")) {
            return;
        }
        String apiId = template.firstReference(p.path("RestApiId"),
                ref -> template.type(ref).equals("AWS::ApiGateway::RestApi")).orElse(null);
        String path = resourcePath(p.path("ResourceId"));
        JsonNode integration = p.path("Integration");
        String functionId = functionOf(integration.path("Uri")).orElse(null);
        Throttle throttle = routeThrottle(apiId, method, path);
        String prefix = template.ofType("AWS::ApiGateway::RestApi").size() > 1 && apiId != null
                ? template.name(apiId) + " " : "";
        routes.add(new Route(prefix + method + " " + path, apiId, id, method, path, functionId,
                integration.path("Type").asText(""), access(id, p, method + " " + path, functionId), throttle,
                corsOrigins(p.path("ResourceId")), apis.containsKey(apiId) ? apis.get(apiId).clientLimit() : null));
    }

    private Throttle routeThrottle(String apiId, String method, String path) {
        Api api = apis.get(apiId);
        if (api == null || api.stageId() == null) {
            return new Throttle(null, null, "none");
        }
        String escaped = path.replace("/", "~1");
        for (JsonNode setting : template.properties(api.stageId()).path("MethodSettings")) {
            String resourcePath = setting.path("ResourcePath").asText();
            String httpMethod = setting.path("HttpMethod").asText();
            if (resourcePath.equals("/" + escaped) && (httpMethod.equals(method) || httpMethod.equals("*"))) {
                Throttle t = throttle(setting, "route");
                if (t != null) {
                    return t;
                }
            }
        }
        return api.defaultThrottle();
    }

    private Access access(String methodId, JsonNode p, String routeKey, String functionId) {
        String authType = p.path("AuthorizationType").asText("NONE");
        String authorizer = null;
        Optional<String> authorizerId = template.firstReference(p.path("AuthorizerId"),
                ref -> template.type(ref).equals("AWS::ApiGateway::Authorizer"));
        if (authorizerId.isPresent()) {
            JsonNode a = template.properties(authorizerId.get());
            List<String> pools = new ArrayList<>();
            for (JsonNode arn : a.path("ProviderARNs")) {
                template.references(arn).forEach(ref -> pools.add(template.name(ref)));
            }
            authorizer = (a.path("Type").asText().equals("COGNITO_USER_POOLS") ? "Cognito" : a.path("Type").asText())
                    + (pools.isEmpty() ? "" : ": " + String.join(", ", pools));
        }
        List<String> scopes = new ArrayList<>();
        p.path("AuthorizationScopes").forEach(s -> scopes.add(s.asText()));
        boolean apiKey = p.path("ApiKeyRequired").asBoolean(false);

        JsonNode metadata = template.resource(methodId).path("Metadata");
        String declared = null;
        String declaredKind = null;
        List<String> groups = new ArrayList<>();
        String reason = null;
        Map<String, String> details = new LinkedHashMap<>();
        for (String key : Json.fieldNames(metadata)) {
            if (!key.startsWith("serverlesskit:")) {
                continue;
            }
            JsonNode value = metadata.get(key);
            if (key.equals(ACCESS_METADATA) && value.isTextual()) {
                declared = value.asText();
                declaredKind = kindOf(declared, groups);
            } else if (value.isObject()) {
                // Details the construct may add (the reason of a public route, how groups are enforced): read by
                // name where the name says what it is, otherwise shown as they are.
                for (String field : Json.fieldNames(value)) {
                    JsonNode v = value.get(field);
                    String lower = field.toLowerCase(java.util.Locale.ROOT);
                    if ((lower.equals("access") || lower.equals("kind")) && v.isTextual()) {
                        if (declared == null) {
                            declared = v.asText();
                            declaredKind = kindOf(declared, groups);
                        } else if (!declaredKind.equals(kindOf(v.asText(), new ArrayList<>()))) {
                            details.put(field, v.asText());
                        }
                    } else if (lower.equals("groups") && v.isArray()) {
                        if (groups.isEmpty()) {
                            v.forEach(g -> groups.add(g.asText()));
                        }
                    } else if (lower.contains("reason") || lower.contains("justification")) {
                        reason = v.asText();
                    } else if (lower.endsWith("checkedby")) {
                        // who checks the token and the groups (ServerlessApi's accessDetails): fixed by the library
                        // for each kind of access, so it restates the kind
                        continue;
                    } else {
                        details.put(field, Json.compact(v));
                    }
                }
            } else {
                String lower = key.toLowerCase(java.util.Locale.ROOT);
                if (lower.contains("reason") || lower.contains("justification")) {
                    reason = value.asText();
                } else {
                    details.put(key.substring("serverlesskit:".length()), Json.compact(value));
                }
            }
        }
        List<String> inconsistencies = new ArrayList<>();
        String kind;
        boolean open = authType.equals("NONE");
        if (open) {
            kind = "public";
            if (declaredKind != null && !declaredKind.equals("public")) {
                inconsistencies.add("declared " + declared + " but the method has no authorizer");
            }
        } else {
            kind = declaredKind == null || declaredKind.equals("public") ? "authenticated" : declaredKind;
            if ("public".equals(declaredKind)) {
                inconsistencies.add("declared public but the method requires " + authType);
            }
        }
        if (declared == null) {
            inconsistencies.add("no " + ACCESS_METADATA + " metadata");
        }
        enforcedByFunction(functionId, routeKey, declared).ifPresent(inconsistencies::add);
        return new Access(kind, kind.equals("groups") ? List.copyOf(groups) : List.of(), authType, authorizer,
                scopes, apiKey, declared, kind.equals("public") ? reason : null, details, inconsistencies);
    }

    /**
     * What the route's function enforces, from its {@value #ROUTE_ACCESS_VARIABLE} variable (the library's
     * ServerlessApi writes it from the same declaration as the metadata), when it differs from the declaration: an
     * edit of the variable alone changes who gets in without changing the method. Empty for a function without it.
     */
    private Optional<String> enforcedByFunction(String functionId, String routeKey, String declared) {
        if (functionId == null) {
            return Optional.empty();
        }
        JsonNode variable = template.properties(functionId).path("Environment").path("Variables")
                .path(ROUTE_ACCESS_VARIABLE);
        if (variable.isMissingNode()) {
            return Optional.empty();
        }
        JsonNode byRoute;
        try {
            byRoute = variable.isTextual() ? Json.parse(variable.asText()) : null;
        } catch (RuntimeException e) {
            byRoute = null;
        }
        if (byRoute == null || !byRoute.isObject()) {
            return Optional.of("the function's " + ROUTE_ACCESS_VARIABLE + " is not a JSON object of routes");
        }
        JsonNode enforced = byRoute.path(routeKey);
        if (!enforced.isTextual()) {
            return Optional.of("the function's " + ROUTE_ACCESS_VARIABLE + " does not name this route");
        }
        return enforced.asText().equals(declared) ? Optional.empty()
                : Optional.of(FUNCTION_ENFORCES + enforced.asText());
    }

    /**
     * The kind of an access as the library writes it ({@code public}, {@code authenticated}, {@code groups:a,b}),
     * adding the groups of a group access to {@code groups}.
     */
    public static String kindOf(String declared, List<String> groups) {
        if (declared.equals("groups")) {
            return "groups";
        }
        if (declared.startsWith("groups:")) {
            for (String g : declared.substring("groups:".length()).split(",")) {
                if (!g.isBlank()) {
                    groups.add(g.strip());
                }
            }
            return "groups";
        }
        return declared.equals("public") ? "public" : "authenticated";
    }

    private static final java.util.regex.Pattern PREFLIGHT_ORIGIN =
            java.util.regex.Pattern.compile("\\$origin == \"([^\"]+)\"");

    private List<String> corsOrigins(JsonNode resourceId) {
        List<String> origins = new ArrayList<>();
        for (String methodId : template.ofType("AWS::ApiGateway::Method")) {
            JsonNode p = template.properties(methodId);
            if (!p.path("HttpMethod").asText().equals("OPTIONS") || !p.path("ResourceId").equals(resourceId)) {
                continue;
            }
            for (JsonNode response : p.path("Integration").path("IntegrationResponses")) {
                JsonNode origin = response.path("ResponseParameters")
                        .path("method.response.header.Access-Control-Allow-Origin");
                if (!origin.isMissingNode()) {
                    String value = Intrinsics.render(origin, template);
                    for (String o : value.replace("'", "").split(",")) {
                        if (!o.isBlank() && !origins.contains(o.strip())) {
                            origins.add(o.strip());
                        }
                    }
                }
                // ServerlessApi's preflight names the request's origin only when it is allowed: a template that
                // compares the origin with each allowed one
                var allowed = PREFLIGHT_ORIGIN.matcher(response.path("ResponseTemplates").path("application/json")
                        .asText(""));
                while (allowed.find()) {
                    if (!origins.contains(allowed.group(1))) {
                        origins.add(allowed.group(1));
                    }
                }
            }
        }
        return origins;
    }

    /** "/pets/{petId}" for a method's ResourceId (a Ref to a resource or the API's root resource). */
    private String resourcePath(JsonNode resourceId) {
        List<String> parts = new ArrayList<>();
        JsonNode current = resourceId;
        Set<String> seen = new LinkedHashSet<>();
        while (true) {
            Optional<String> ref = template.firstReference(current,
                    id -> template.type(id).equals("AWS::ApiGateway::Resource"));
            if (ref.isEmpty() || !seen.add(ref.get())) {
                break;
            }
            JsonNode p = template.properties(ref.get());
            parts.add(0, p.path("PathPart").asText());
            current = p.path("ParentId");
        }
        return "/" + String.join("/", parts);
    }

    private void readTable(String id) {
        JsonNode p = template.properties(id);
        List<String> keys = new ArrayList<>();
        p.path("KeySchema").forEach(k -> keys.add(k.path("AttributeName").asText() + " ("
                + (k.path("KeyType").asText().equals("HASH") ? "partition" : "sort") + ")"));
        List<String> indexes = new ArrayList<>();
        p.path("GlobalSecondaryIndexes").forEach(i -> indexes.add(i.path("IndexName").asText()));
        p.path("LocalSecondaryIndexes").forEach(i -> indexes.add(i.path("IndexName").asText()));
        tables.put(id, new Table(id, template.name(id), p.path("BillingMode").asText("PROVISIONED"),
                p.path("PointInTimeRecoverySpecification").path("PointInTimeRecoveryEnabled").asBoolean(false),
                keys, indexes, p.path("DeletionProtectionEnabled").asBoolean(false)));
    }

    private void readQueue(String id) {
        JsonNode p = template.properties(id);
        JsonNode redrive = p.path("RedrivePolicy");
        String dlq = template.firstReference(redrive.path("deadLetterTargetArn"),
                ref -> template.type(ref).equals("AWS::SQS::Queue")).orElse(null);
        queues.put(id, new Queue(id, template.name(id), dlq,
                redrive.has("maxReceiveCount") ? redrive.get("maxReceiveCount").asInt() : null,
                p.path("FifoQueue").asBoolean(false)));
    }

    private void readEventSource(String id) {
        JsonNode p = template.properties(id);
        String source = template.firstReference(p.path("EventSourceArn"), ref -> true).orElse(null);
        String fn = functionOf(p.path("FunctionName")).orElse(null);
        Integer max = p.path("ScalingConfig").has("MaximumConcurrency")
                ? p.path("ScalingConfig").get("MaximumConcurrency").asInt() : null;
        eventSources.add(new EventSource(id, source, fn, p.path("BatchSize").asInt(10), max,
                p.path("MaximumBatchingWindowInSeconds").asInt(0)));
    }

    private void readAlarm(String id) {
        JsonNode p = template.properties(id);
        Set<String> watched = new LinkedHashSet<>(template.references(p.path("Dimensions")));
        int metrics = 1;
        boolean anomaly = false;
        String metric = p.path("MetricName").asText("");
        if (p.has("Metrics")) {
            metrics = 0;
            for (JsonNode m : p.path("Metrics")) {
                if (m.has("MetricStat")) {
                    metrics++;
                    watched.addAll(template.references(m.path("MetricStat").path("Metric").path("Dimensions")));
                    if (metric.isEmpty()) {
                        metric = m.path("MetricStat").path("Metric").path("MetricName").asText("");
                    }
                }
                if (m.path("Expression").asText("").contains("ANOMALY_DETECTION_BAND")) {
                    anomaly = true;
                }
            }
            metrics = Math.max(metrics, 1);
        }
        alarms.put(id, new Alarm(id, template.name(id), metric, watched, metrics, p.path("Period").asInt(60),
                anomaly || p.has("ThresholdMetricId")));
    }

    static String trim(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
    }
}
