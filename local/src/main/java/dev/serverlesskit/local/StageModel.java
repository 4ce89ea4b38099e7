package dev.serverlesskit.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the local runtime runs, as read from one stage's template (never from a second description). Values that
 * need the local engines to exist (environment variables, queue URLs) stay as raw template JSON here and are
 * resolved by {@link IntrinsicResolver} once the engines run.
 */
public record StageModel(
        String stackName,
        String region,
        List<Function> functions,
        List<Table> tables,
        List<Queue> queues,
        List<EventSourceMapping> eventSourceMappings,
        List<UserPool> userPools,
        List<UserPoolClient> userPoolClients,
        List<Group> groups,
        Optional<Api> api,
        JsonNode template) {

    public Function function(String logicalId) {
        return functions.stream().filter(f -> f.logicalId().equals(logicalId)).findFirst()
                .orElseThrow(() -> new IllegalStateException("No function " + logicalId + " in the template"));
    }

    /**
     * A Lambda function: {@code handler} is {@code pkg.Class::method}; {@code logFormat} and
     * {@code applicationLogLevel} are its {@code LoggingConfig}'s (null when the template sets none); {@code role} the
     * logical id of its execution role (null when the role is not in the template); {@code snapStart} when SnapStart
     * applies to the published version it is invoked through ({@code SnapStart.ApplyOn: PublishedVersions} and a
     * version in the template).
     */
    public record Function(String logicalId, String functionName, String handlerClass, String handlerMethod,
                           String runtime, int memoryMb, int timeoutSeconds, Integer reservedConcurrency,
                           Map<String, JsonNode> environment, Path codeJar, String logFormat,
                           String applicationLogLevel, String role, boolean snapStart) {
        /**
         * What Lambda sets in the function's environment from its logging configuration: {@code AWS_LAMBDA_LOG_FORMAT}
         * (JSON or TEXT, Lambda's default) and, in JSON format, {@code AWS_LAMBDA_LOG_LEVEL} (default INFO).
         */
        public Map<String, String> loggingEnvironment() {
            if (!"JSON".equals(logFormat)) {
                return Map.of("AWS_LAMBDA_LOG_FORMAT", "TEXT");
            }
            return Map.of("AWS_LAMBDA_LOG_FORMAT", "JSON",
                    "AWS_LAMBDA_LOG_LEVEL", applicationLogLevel == null ? "INFO" : applicationLogLevel);
        }

        /** Short name for logs: the logical id without CDK's hash suffix and "Function". */
        public String shortName() {
            String s = logicalId.replaceAll("[0-9A-F]{8}$", "");
            return s.endsWith("Function") ? s.substring(0, s.length() - "Function".length()) : s;
        }
    }

    public record KeyElement(String attributeName, String keyType) {
    }

    public record Index(String name, List<KeyElement> keySchema, String projectionType, List<String> nonKeyAttributes) {
    }

    public record Table(String logicalId, String tableName, List<KeyElement> keySchema,
                        Map<String, String> attributeTypes, List<Index> globalSecondaryIndexes,
                        List<Index> localSecondaryIndexes) {
    }

    /** An SQS queue; {@code deadLetterQueue} is the logical id of its redrive target. */
    public record Queue(String logicalId, String queueName, boolean fifo, int visibilityTimeoutSeconds,
                        Integer messageRetentionSeconds, String deadLetterQueue, Integer maxReceiveCount) {
    }

    public record EventSourceMapping(String logicalId, String queue, String function, int batchSize,
                                     int maximumBatchingWindowSeconds, boolean reportBatchItemFailures,
                                     Integer maximumConcurrency, boolean enabled) {
    }

    public record UserPool(String logicalId, String poolName, JsonNode properties) {
    }

    public record UserPoolClient(String logicalId, String userPool, String clientName, List<String> explicitAuthFlows,
                                 JsonNode properties) {
    }

    public record Group(String logicalId, String userPool, String groupName, String description) {
    }

    /** API Gateway throttling: steady rate (requests per second) and bucket size. */
    public record Throttle(double rateLimit, int burstLimit) {
    }

    /**
     * A method of the REST API. {@code function} is set for AWS_PROXY integrations, {@code mock} for MOCK ones.
     * {@code requestModels} maps a content type ({@code $default} included) to the JSON schema of its model;
     * {@code validateRequestBody} is its request validator's setting.
     */
    public record Route(String httpMethod, String resourcePath, String methodLogicalId, String access,
                        String authorizationType, String authorizer, List<String> authorizationScopes,
                        String function, JsonNode mock, Map<String, JsonNode> requestModels,
                        boolean validateRequestBody, boolean apiKeyRequired) {
        public boolean needsCognito() {
            return "COGNITO_USER_POOLS".equals(authorizationType);
        }

        public boolean needsIam() {
            return "AWS_IAM".equals(authorizationType);
        }

        /** A Lambda (REQUEST or TOKEN) authorizer of its own. */
        public boolean needsLambdaAuthorizer() {
            return "CUSTOM".equals(authorizationType);
        }

        public String key() {
            return httpMethod + " " + resourcePath;
        }
    }

    /**
     * An authorizer: {@code COGNITO_USER_POOLS} (the pools whose ID tokens it accepts and the header carrying them) or
     * a Lambda one ({@code REQUEST}, {@code TOKEN}: the function, its identity sources as the template writes them,
     * {@code method.request.header.Authorization}, and its results cache TTL).
     */
    public record Authorizer(String logicalId, String type, List<String> userPools, String identityHeader,
                             String function, List<String> identitySources, int resultsTtlSeconds) {
    }

    /**
     * An API key of the template usable on the API's stage (it is enabled and in a usage plan of that stage).
     * {@code value} is null when the template lets API Gateway generate it.
     */
    public record ApiKey(String logicalId, String value) {
    }

    public record GatewayResponse(String responseType, Integer statusCode, Map<String, String> headers,
                                  String template) {
    }

    /**
     * @param account         the account the template's {@code execute-api} ARNs name literally (a stack with an
     *                        environment), else null: the local account, as {@code AWS::AccountId} resolves
     * @param methodThrottles per-method settings keyed like {@link Route#key()}; {@code stageThrottle} is the
     *                        stage's default ({@code * /*}) applied to each method without its own
     */
    public record Api(String logicalId, String name, String stageName, List<Route> routes,
                      Map<String, Authorizer> authorizers, Throttle stageThrottle, Map<String, Throttle> methodThrottles,
                      Map<String, GatewayResponse> gatewayResponses, List<ApiKey> apiKeys, String account) {
        public Throttle throttleOf(Route route) {
            Throttle t = methodThrottles.get(route.key());
            return t != null ? t : stageThrottle;
        }
    }
}
