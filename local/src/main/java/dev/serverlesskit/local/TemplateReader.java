package dev.serverlesskit.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.serverlesskit.local.StageModel.Api;
import dev.serverlesskit.local.StageModel.Authorizer;
import dev.serverlesskit.local.StageModel.EventSourceMapping;
import dev.serverlesskit.local.StageModel.Function;
import dev.serverlesskit.local.StageModel.GatewayResponse;
import dev.serverlesskit.local.StageModel.Group;
import dev.serverlesskit.local.StageModel.Index;
import dev.serverlesskit.local.StageModel.KeyElement;
import dev.serverlesskit.local.StageModel.Queue;
import dev.serverlesskit.local.StageModel.Route;
import dev.serverlesskit.local.StageModel.Table;
import dev.serverlesskit.local.StageModel.Throttle;
import dev.serverlesskit.local.StageModel.UserPool;
import dev.serverlesskit.local.StageModel.UserPoolClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads a synthesized CloudFormation template into a {@link StageModel}: the API (resource tree, methods, their
 * authorizers and access metadata, stage throttling, gateway responses), the functions, tables, queues, event source
 * mappings and the Cognito pool, clients and groups. Anything the runtime cannot honour fails loudly here.
 */
public final class TemplateReader {
    public static final String ACCESS_METADATA = "serverlesskit:access";

    private final JsonNode resources;
    private final java.util.function.Function<String, Path> assets;

    private TemplateReader(JsonNode template, java.util.function.Function<String, Path> assets) {
        this.resources = template.path("Resources");
        this.assets = assets;
    }

    public static StageModel read(CloudAssembly assembly) {
        return read(assembly.template(), assembly.stackName(), assembly::asset);
    }

    /** {@code assets} maps a function's {@code Code.S3Key} to its jar. */
    public static StageModel read(JsonNode template, String stackName,
                                  java.util.function.Function<String, Path> assets) {
        TemplateReader r = new TemplateReader(template, assets);
        return new StageModel(stackName, r.region(), r.functions(), r.tables(), r.queues(), r.eventSourceMappings(),
                r.userPools(), r.userPoolClients(), r.groups(), r.api(), template);
    }

    private Map<String, JsonNode> ofType(String type) {
        Map<String, JsonNode> out = new TreeMap<>();
        resources.fields().forEachRemaining(e -> {
            if (type.equals(Json.text(e.getValue(), "Type"))) {
                out.put(e.getKey(), e.getValue());
            }
        });
        return out;
    }

    /** The region the template's ARNs name (API integration URIs carry it), else eu-west-1. */
    private String region() {
        for (JsonNode m : ofType("AWS::ApiGateway::Method").values()) {
            String uri = m.path("Properties").path("Integration").path("Uri").toString();
            var matcher = java.util.regex.Pattern.compile("arn:aws:apigateway:([a-z0-9-]+):lambda").matcher(uri);
            if (matcher.find()) {
                return matcher.group(1);
            }
        }
        return "eu-west-1";
    }

    /**
     * The logical id of the first resource of one of {@code types} that {@code node} references (Ref or GetAtt,
     * however deeply nested in Join/Select/Split). A Lambda alias counts as its function.
     */
    String referenced(JsonNode node, Set<String> types) {
        return referenced(resources, node, types);
    }

    /** {@link #referenced(JsonNode, Set)} in the resources of any template. */
    static String referenced(JsonNode resources, JsonNode node, Set<String> types) {
        if (node == null) {
            return null;
        }
        if (node.isObject()) {
            String target = null;
            if (node.has("Ref")) {
                target = node.get("Ref").asText();
            } else if (node.has("Fn::GetAtt")) {
                JsonNode g = node.get("Fn::GetAtt");
                target = g.isArray() ? g.get(0).asText() : g.asText().split("\\.")[0];
            }
            if (target != null && resources.has(target)) {
                String type = Json.text(resources.get(target), "Type");
                if (types.contains(type)) {
                    return target;
                }
                if ("AWS::Lambda::Alias".equals(type) && types.contains("AWS::Lambda::Function")) {
                    return referenced(resources, resources.get(target).path("Properties").get("FunctionName"), types);
                }
                if ("AWS::Lambda::Version".equals(type) && types.contains("AWS::Lambda::Function")) {
                    return referenced(resources, resources.get(target).path("Properties").get("FunctionName"), types);
                }
            }
            for (JsonNode child : node) {
                String found = referenced(resources, child, types);
                if (found != null) {
                    return found;
                }
            }
        } else if (node.isArray()) {
            for (JsonNode child : node) {
                String found = referenced(resources, child, types);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    private List<Function> functions() {
        List<Function> out = new ArrayList<>();
        ofType("AWS::Lambda::Function").forEach((id, r) -> {
            JsonNode p = r.path("Properties");
            String handler = Json.text(p, "Handler");
            String runtime = Json.text(p, "Runtime");
            if (handler == null || runtime == null || !runtime.startsWith("java")) {
                throw new IllegalStateException("Function " + id + " has runtime " + runtime + " and handler " + handler
                        + ": the local runtime runs Java functions from jar assets only");
            }
            String[] parts = handler.split("::", 2);
            String s3Key = Json.text(p.path("Code"), "S3Key");
            if (s3Key == null) {
                throw new IllegalStateException("Function " + id + " has no Code.S3Key asset (inline code?)");
            }
            Map<String, JsonNode> env = new TreeMap<>();
            p.path("Environment").path("Variables").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue()));
            JsonNode reserved = p.get("ReservedConcurrentExecutions");
            JsonNode logging = p.path("LoggingConfig");
            String role = referenced(p.get("Role"), Set.of("AWS::IAM::Role"));
            boolean snapStart = "PublishedVersions".equals(p.path("SnapStart").path("ApplyOn").asText())
                    && ofType("AWS::Lambda::Version").values().stream().anyMatch(v ->
                    id.equals(referenced(v.path("Properties").get("FunctionName"), Set.of("AWS::Lambda::Function"))));
            out.add(new Function(id, Json.text(p, "FunctionName"), parts[0],
                    parts.length > 1 ? parts[1] : "handleRequest",
                    runtime, p.path("MemorySize").asInt(128), p.path("Timeout").asInt(3),
                    reserved == null ? null : reserved.asInt(), env, assets.apply(s3Key),
                    Json.text(logging, "LogFormat"), Json.text(logging, "ApplicationLogLevel"), role, snapStart));
        });
        return out;
    }

    private static List<KeyElement> keys(JsonNode schema) {
        List<KeyElement> out = new ArrayList<>();
        schema.forEach(k -> out.add(new KeyElement(Json.text(k, "AttributeName"), Json.text(k, "KeyType"))));
        return out;
    }

    private static List<Index> indexes(JsonNode list) {
        List<Index> out = new ArrayList<>();
        list.forEach(i -> out.add(new Index(Json.text(i, "IndexName"), keys(i.path("KeySchema")),
                i.path("Projection").path("ProjectionType").asText("ALL"),
                Json.strings(i.path("Projection").path("NonKeyAttributes")))));
        return out;
    }

    private List<Table> tables() {
        List<Table> out = new ArrayList<>();
        ofType("AWS::DynamoDB::Table").forEach((id, r) -> {
            JsonNode p = r.path("Properties");
            Map<String, String> types = new LinkedHashMap<>();
            p.path("AttributeDefinitions").forEach(a -> types.put(Json.text(a, "AttributeName"),
                    Json.text(a, "AttributeType")));
            out.add(new Table(id, Json.text(p, "TableName"), keys(p.path("KeySchema")), types,
                    indexes(p.path("GlobalSecondaryIndexes")), indexes(p.path("LocalSecondaryIndexes"))));
        });
        return out;
    }

    private List<Queue> queues() {
        List<Queue> out = new ArrayList<>();
        ofType("AWS::SQS::Queue").forEach((id, r) -> {
            JsonNode p = r.path("Properties");
            JsonNode redrive = p.path("RedrivePolicy");
            String dlq = redrive.isMissingNode() ? null
                    : referenced(redrive.get("deadLetterTargetArn"), Set.of("AWS::SQS::Queue"));
            out.add(new Queue(id, Json.text(p, "QueueName"), p.path("FifoQueue").asBoolean(false),
                    p.path("VisibilityTimeout").asInt(30), Json.integer(p, "MessageRetentionPeriod"), dlq,
                    dlq == null ? null : redrive.path("maxReceiveCount").asInt()));
        });
        return out;
    }

    private List<EventSourceMapping> eventSourceMappings() {
        List<EventSourceMapping> out = new ArrayList<>();
        ofType("AWS::Lambda::EventSourceMapping").forEach((id, r) -> {
            JsonNode p = r.path("Properties");
            String queue = referenced(p.get("EventSourceArn"), Set.of("AWS::SQS::Queue"));
            if (queue == null) {
                throw new IllegalStateException("Event source mapping " + id
                        + " does not read an SQS queue of this template: only SQS sources run locally");
            }
            String function = referenced(p.get("FunctionName"), Set.of("AWS::Lambda::Function"));
            boolean rbif = Json.strings(p.path("FunctionResponseTypes")).contains("ReportBatchItemFailures");
            out.add(new EventSourceMapping(id, queue, function, p.path("BatchSize").asInt(10),
                    p.path("MaximumBatchingWindowInSeconds").asInt(0), rbif,
                    Json.integer(p.path("ScalingConfig"), "MaximumConcurrency"), p.path("Enabled").asBoolean(true)));
        });
        return out;
    }

    private List<UserPool> userPools() {
        List<UserPool> out = new ArrayList<>();
        ofType("AWS::Cognito::UserPool").forEach((id, r) ->
                out.add(new UserPool(id, Json.text(r.path("Properties"), "UserPoolName"), r.path("Properties"))));
        return out;
    }

    private List<UserPoolClient> userPoolClients() {
        List<UserPoolClient> out = new ArrayList<>();
        ofType("AWS::Cognito::UserPoolClient").forEach((id, r) -> {
            JsonNode p = r.path("Properties");
            out.add(new UserPoolClient(id, referenced(p.get("UserPoolId"), Set.of("AWS::Cognito::UserPool")),
                    Json.text(p, "ClientName"), Json.strings(p.path("ExplicitAuthFlows")), p));
        });
        return out;
    }

    private List<Group> groups() {
        List<Group> out = new ArrayList<>();
        ofType("AWS::Cognito::UserPoolGroup").forEach((id, r) -> {
            JsonNode p = r.path("Properties");
            out.add(new Group(id, referenced(p.get("UserPoolId"), Set.of("AWS::Cognito::UserPool")),
                    Json.text(p, "GroupName"), Json.text(p, "Description")));
        });
        return out;
    }

    private Optional<Api> api() {
        Map<String, JsonNode> apis = ofType("AWS::ApiGateway::RestApi");
        if (apis.isEmpty()) {
            return Optional.empty();
        }
        if (apis.size() > 1) {
            throw new IllegalStateException("The local runtime serves one REST API per stage; found " + apis.keySet());
        }
        String apiId = apis.keySet().iterator().next();
        JsonNode apiProps = apis.get(apiId).path("Properties");

        Map<String, JsonNode> resourceNodes = ofType("AWS::ApiGateway::Resource");
        Map<String, String> paths = new LinkedHashMap<>();
        for (String id : resourceNodes.keySet()) {
            paths.put(id, pathOf(id, resourceNodes));
        }

        Map<String, Authorizer> authorizers = new LinkedHashMap<>();
        ofType("AWS::ApiGateway::Authorizer").forEach((id, r) -> {
            JsonNode p = r.path("Properties");
            List<String> pools = new ArrayList<>();
            p.path("ProviderARNs").forEach(arn -> pools.add(referenced(arn, Set.of("AWS::Cognito::UserPool"))));
            String type = Json.text(p, "Type");
            boolean lambda = "REQUEST".equals(type) || "TOKEN".equals(type);
            String function = null;
            if (lambda) {
                function = referenced(p.get("AuthorizerUri"), Set.of("AWS::Lambda::Function"));
                if (function == null) {
                    throw new IllegalStateException("Authorizer " + id + " invokes a function outside this template");
                }
            } else if (!"COGNITO_USER_POOLS".equals(type)) {
                throw new IllegalStateException("Authorizer " + id + " has Type " + type
                        + ": the local runtime serves COGNITO_USER_POOLS, REQUEST and TOKEN authorizers");
            }
            String source = p.path("IdentitySource").asText(lambda && "REQUEST".equals(type) ? ""
                    : "method.request.header.Authorization");
            List<String> sources = new ArrayList<>();
            for (String part : source.split(",")) {
                if (!part.isBlank()) {
                    sources.add(part.trim());
                }
            }
            authorizers.put(id, new Authorizer(id, type, pools,
                    source.replaceFirst("^method\\.request\\.header\\.", ""), function, List.copyOf(sources),
                    p.path("AuthorizerResultTtlInSeconds").asInt(300)));
        });

        List<Route> routes = new ArrayList<>();
        ofType("AWS::ApiGateway::Method").forEach((id, r) -> {
            JsonNode p = r.path("Properties");
            JsonNode resourceId = p.get("ResourceId");
            String path = resourceId != null && resourceId.has("Ref") ? paths.get(resourceId.get("Ref").asText()) : "/";
            if (path == null) {
                throw new IllegalStateException("Method " + id + " is on a resource the template does not define");
            }
            JsonNode integration = p.path("Integration");
            String type = integration.path("Type").asText();
            String function = null;
            JsonNode mock = null;
            if ("AWS_PROXY".equals(type)) {
                function = referenced(integration.get("Uri"), Set.of("AWS::Lambda::Function"));
                if (function == null) {
                    throw new IllegalStateException("Method " + id + " proxies to a function outside this template");
                }
            } else if ("MOCK".equals(type)) {
                mock = integration;
            } else {
                throw new IllegalStateException("Method " + id + " has a " + type
                        + " integration: the local runtime serves AWS_PROXY (Lambda) and MOCK integrations");
            }
            String authType = p.path("AuthorizationType").asText("NONE");
            String authorizer = null;
            if ("COGNITO_USER_POOLS".equals(authType) || "CUSTOM".equals(authType)) {
                authorizer = referenced(p.get("AuthorizerId"), Set.of("AWS::ApiGateway::Authorizer"));
                if (authorizer == null) {
                    throw new IllegalStateException("Method " + id + " uses an authorizer the template lacks");
                }
            } else if (!"NONE".equals(authType) && !"AWS_IAM".equals(authType)) {
                throw new IllegalStateException("Method " + id + " has AuthorizationType " + authType
                        + ": the local runtime honours NONE, AWS_IAM, COGNITO_USER_POOLS and CUSTOM");
            }
            String access = r.path("Metadata").path(ACCESS_METADATA).asText(null);
            Map<String, JsonNode> models = new LinkedHashMap<>();
            p.path("RequestModels").fields().forEachRemaining(e -> {
                String model = referenced(e.getValue(), Set.of("AWS::ApiGateway::Model"));
                JsonNode schema = model == null ? null : resources.get(model).path("Properties").get("Schema");
                if (schema == null) {
                    throw new IllegalStateException("Method " + id + " names a request model for " + e.getKey()
                            + " that the template does not define with a schema");
                }
                models.put(e.getKey(), schema);
            });
            String validator = referenced(p.get("RequestValidatorId"), Set.of("AWS::ApiGateway::RequestValidator"));
            boolean validateBody = validator != null
                    && resources.get(validator).path("Properties").path("ValidateRequestBody").asBoolean(false);
            routes.add(new Route(p.path("HttpMethod").asText(), path, id, access, authType, authorizer,
                    Json.strings(p.path("AuthorizationScopes")), function, mock, Map.copyOf(models), validateBody,
                    p.path("ApiKeyRequired").asBoolean(false)));
        });
        routes.sort(Comparator.comparing(Route::resourcePath).thenComparing(Route::httpMethod));

        Map<String, JsonNode> stages = ofType("AWS::ApiGateway::Stage");
        String stageName = "prod";
        Throttle stageThrottle = null;
        Map<String, Throttle> methodThrottles = new LinkedHashMap<>();
        if (stages.size() > 1) {
            throw new IllegalStateException("The local runtime serves one API stage; found " + stages.keySet());
        }
        for (JsonNode s : stages.values()) {
            JsonNode p = s.path("Properties");
            stageName = p.path("StageName").asText(stageName);
            for (JsonNode ms : p.path("MethodSettings")) {
                if (!ms.has("ThrottlingRateLimit") && !ms.has("ThrottlingBurstLimit")) {
                    continue;
                }
                Throttle t = new Throttle(ms.path("ThrottlingRateLimit").asDouble(10_000),
                        ms.path("ThrottlingBurstLimit").asInt(5_000));
                String method = ms.path("HttpMethod").asText("*");
                String resourcePath = ms.path("ResourcePath").asText("/*");
                if ("*".equals(method) && "/*".equals(resourcePath)) {
                    stageThrottle = t;
                } else {
                    // "/" then the resource path with each "/" escaped as "~1": "/~1clicks" is /clicks
                    String decoded = resourcePath.substring(1).replace("~1", "/").replace("~0", "~");
                    decoded = decoded.isEmpty() ? "/" : decoded;
                    methodThrottles.put(method + " " + decoded, t);
                }
            }
        }
        if (stageThrottle == null) {
            stageThrottle = new Throttle(10_000, 5_000); // the account default when the stage sets none
        }
        if (stages.isEmpty()) { // a Deployment may name the stage itself
            for (JsonNode d : ofType("AWS::ApiGateway::Deployment").values()) {
                stageName = d.path("Properties").path("StageName").asText(stageName);
            }
        }

        Map<String, GatewayResponse> responses = new LinkedHashMap<>();
        ofType("AWS::ApiGateway::GatewayResponse").forEach((id, r) -> {
            JsonNode p = r.path("Properties");
            Map<String, String> headers = new LinkedHashMap<>();
            p.path("ResponseParameters").fields().forEachRemaining(e -> {
                if (e.getKey().startsWith("gatewayresponse.header.")) {
                    headers.put(e.getKey().substring("gatewayresponse.header.".length()), unquote(e.getValue().asText()));
                }
            });
            JsonNode template = p.path("ResponseTemplates").path("application/json");
            responses.put(Json.text(p, "ResponseType"), new GatewayResponse(Json.text(p, "ResponseType"),
                    p.has("StatusCode") ? p.path("StatusCode").asInt() : null, headers,
                    template.isMissingNode() ? null : template.asText()));
        });

        return Optional.of(new Api(apiId, Json.text(apiProps, "Name"), stageName, List.copyOf(routes), authorizers,
                stageThrottle, methodThrottles, responses, apiKeys(apiId), executeApiAccount()));
    }

    /** The account the template's execute-api ARNs name literally (an environment-specific stack), else null. */
    private String executeApiAccount() {
        java.util.regex.Matcher literal = java.util.regex.Pattern.compile(":execute-api:[a-z0-9-]+:(\\d{12}):")
                .matcher(resources.toString());
        return literal.find() ? literal.group(1) : null;
    }

    /**
     * The enabled API keys that a usage plan of the API's stage holds (through {@code AWS::ApiGateway::UsagePlanKey}
     * or the key's own {@code StageKeys}): those API Gateway accepts as {@code x-api-key} on the API.
     */
    private List<StageModel.ApiKey> apiKeys(String apiId) {
        Set<String> plans = new java.util.HashSet<>();
        ofType("AWS::ApiGateway::UsagePlan").forEach((id, r) -> {
            for (JsonNode stage : r.path("Properties").path("ApiStages")) {
                if (apiId.equals(referenced(stage.get("ApiId"), Set.of("AWS::ApiGateway::RestApi")))) {
                    plans.add(id);
                }
            }
        });
        Set<String> inPlan = new java.util.HashSet<>();
        ofType("AWS::ApiGateway::UsagePlanKey").forEach((id, r) -> {
            JsonNode p = r.path("Properties");
            if (plans.contains(referenced(p.get("UsagePlanId"), Set.of("AWS::ApiGateway::UsagePlan")))) {
                inPlan.add(referenced(p.get("KeyId"), Set.of("AWS::ApiGateway::ApiKey")));
            }
        });
        List<StageModel.ApiKey> keys = new ArrayList<>();
        ofType("AWS::ApiGateway::ApiKey").forEach((id, r) -> {
            JsonNode p = r.path("Properties");
            boolean stageKey = false;
            for (JsonNode sk : p.path("StageKeys")) {
                stageKey |= apiId.equals(referenced(sk.get("RestApiId"), Set.of("AWS::ApiGateway::RestApi")));
            }
            if (p.path("Enabled").asBoolean(true) && (inPlan.contains(id) || stageKey)) {
                JsonNode value = p.get("Value");
                keys.add(new StageModel.ApiKey(id, value != null && value.isTextual() ? value.asText() : null));
            }
        });
        return List.copyOf(keys);
    }

    /** A literal of a mapping: {@code 'value'} in API Gateway's syntax. */
    static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("'") && value.endsWith("'")
                ? value.substring(1, value.length() - 1) : value;
    }

    private String pathOf(String id, Map<String, JsonNode> resourceNodes) {
        JsonNode p = resourceNodes.get(id).path("Properties");
        JsonNode parent = p.get("ParentId");
        String prefix = "";
        if (parent != null && parent.has("Ref")) {
            String parentId = parent.get("Ref").asText();
            if (!resourceNodes.containsKey(parentId)) {
                throw new IllegalStateException("Resource " + id + " has an unknown parent " + parentId);
            }
            prefix = pathOf(parentId, resourceNodes);
        }
        return (prefix.equals("/") ? "" : prefix) + "/" + p.path("PathPart").asText();
    }
}
