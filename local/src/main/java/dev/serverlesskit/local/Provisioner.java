package dev.serverlesskit.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.serverlesskit.local.IntrinsicResolver.Local;
import dev.serverlesskit.local.StageModel.Index;
import dev.serverlesskit.local.StageModel.KeyElement;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Creates on the engines what the template declares (tables with their keys and indexes, queues with their
 * visibility timeout and redrive policy, the user pools with their clients and groups) and answers what each
 * resource's {@code Ref} / {@code Fn::GetAtt} is locally. With persistent data, what exists is kept.
 */
public final class Provisioner implements AutoCloseable {
    private final StageModel model;
    private final Engines engines;
    private final String region;
    private final DynamoDbClient dynamo;
    private final SqsClient sqs;
    private final CognitoLocal cognito;
    private final Map<String, Local> locals = new LinkedHashMap<>();
    private final Map<String, String> queueUrls = new HashMap<>();
    private final Map<String, String> userPoolIds = new HashMap<>();
    private final Map<String, String> clientIds = new HashMap<>();

    public Provisioner(StageModel model, Engines engines) {
        this.model = model;
        this.engines = engines;
        this.region = model.region();
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
        this.dynamo = DynamoDbClient.builder().region(Region.of(region)).credentialsProvider(credentials)
                .endpointOverride(URI.create(engines.dynamoEndpoint()))
                .httpClient(UrlConnectionHttpClient.create()).build();
        this.sqs = SqsClient.builder().region(Region.of(region)).credentialsProvider(credentials)
                .endpointOverride(URI.create(engines.sqsEndpoint()))
                .httpClient(UrlConnectionHttpClient.create()).build();
        this.cognito = new CognitoLocal(engines.cognitoEndpoint());
    }

    public SqsClient sqs() {
        return sqs;
    }

    public DynamoDbClient dynamo() {
        return dynamo;
    }

    public CognitoLocal cognito() {
        return cognito;
    }

    public String queueUrl(String logicalId) {
        return queueUrls.get(logicalId);
    }

    public String userPoolId(String logicalId) {
        return userPoolIds.get(logicalId);
    }

    public String clientId(String logicalId) {
        return clientIds.get(logicalId);
    }

    private String physicalName(String logicalId) {
        return model.stackName() + "-" + logicalId;
    }

    private String arn(String service, String resource) {
        return "arn:aws:" + service + ":" + region + ":" + Engines.LOCAL_ACCOUNT + ":" + resource;
    }

    public IntrinsicResolver provision() {
        // every resource gets a stand-in name first, so a reference to something not emulated still resolves
        model.template().path("Resources").fieldNames().forEachRemaining(id -> locals.put(id,
                Local.of(physicalName(id), Map.of("Arn", arn("local", physicalName(id))))));
        createTables();
        createQueues();
        createUserPools();
        for (StageModel.Function f : model.functions()) {
            String name = f.functionName() != null ? f.functionName() : physicalName(f.shortName());
            String arn = arn("lambda", "function:" + name);
            locals.put(f.logicalId(), Local.of(name, Map.of("Arn", arn)));
        }
        model.template().path("Resources").fields().forEachRemaining(e -> {
            String type = e.getValue().path("Type").asText();
            JsonNode p = e.getValue().path("Properties");
            if ("AWS::Lambda::Alias".equals(type)) {
                String fn = p.path("FunctionName").path("Ref").asText();
                Local f = locals.get(fn);
                if (f != null) {
                    String arn = f.attributes().get("Arn") + ":" + p.path("Name").asText();
                    locals.put(e.getKey(), Local.of(arn, Map.of("AliasArn", arn)));
                }
            } else if ("AWS::Lambda::Version".equals(type)) {
                // a version's Ref is its qualified ARN; every template publishes one version of a function
                Local f = locals.get(p.path("FunctionName").path("Ref").asText());
                if (f != null) {
                    locals.put(e.getKey(), Local.of(f.attributes().get("Arn") + ":1", Map.of("Version", "1")));
                }
            } else if ("AWS::IAM::Role".equals(type)) {
                String name = p.path("RoleName").asText(physicalName(e.getKey()));
                String path = p.path("Path").asText("/");
                locals.put(e.getKey(), Local.of(name, Map.of("Arn", "arn:aws:iam::" + Engines.LOCAL_ACCOUNT + ":role"
                        + path + name, "RoleId", roleId(e.getKey()))));
            } else if ("AWS::IAM::ManagedPolicy".equals(type)) {
                String name = p.path("ManagedPolicyName").asText(physicalName(e.getKey()));
                String arn = "arn:aws:iam::" + Engines.LOCAL_ACCOUNT + ":policy" + p.path("Path").asText("/") + name;
                locals.put(e.getKey(), Local.of(arn, Map.of("PolicyArn", arn)));
            } else if ("AWS::ApiGateway::RestApi".equals(type)) {
                locals.put(e.getKey(), Local.of("local", Map.of("RootResourceId", "root")));
            }
        });
        model.api().ifPresent(api -> model.template().path("Resources").fields().forEachRemaining(e -> {
            if ("AWS::ApiGateway::Stage".equals(e.getValue().path("Type").asText())) {
                locals.put(e.getKey(), Local.of(api.stageName(), Map.of()));
            }
        }));
        return new IntrinsicResolver(locals, Map.of(
                "AWS::Region", region,
                "AWS::AccountId", Engines.LOCAL_ACCOUNT,
                "AWS::Partition", "aws",
                "AWS::URLSuffix", "amazonaws.com",
                "AWS::StackName", model.stackName(),
                "AWS::StackId", arn("cloudformation", "stack/" + model.stackName() + "/local"),
                "AWS::NoValue", ""));
    }

    /** A stable IAM role id ("AROA" and 17 characters), as IAM gives each role. */
    private static String roleId(String logicalId) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        long h = logicalId.hashCode() * 0x9E3779B97F4A7C15L;
        StringBuilder id = new StringBuilder("AROA");
        for (int i = 0; i < 17; i++) {
            id.append(alphabet.charAt((int) ((h >>> (i * 3)) & 31)));
        }
        return id.toString();
    }

    private void createTables() {
        for (StageModel.Table t : model.tables()) {
            String name = t.tableName() != null ? t.tableName() : physicalName(t.logicalId());
            locals.put(t.logicalId(), Local.of(name, Map.of("Arn", arn("dynamodb", "table/" + name),
                    "StreamArn", arn("dynamodb", "table/" + name + "/stream/local"))));
            try {
                dynamo.describeTable(b -> b.tableName(name));
                continue; // kept from an earlier run (persistent data)
            } catch (ResourceNotFoundException absent) {
                // create it
            }
            List<AttributeDefinition> attributes = new ArrayList<>();
            t.attributeTypes().forEach((attr, type) -> attributes.add(AttributeDefinition.builder()
                    .attributeName(attr).attributeType(type).build()));
            CreateTableRequest.Builder request = CreateTableRequest.builder().tableName(name)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(attributes)
                    .keySchema(keys(t.keySchema()));
            if (!t.globalSecondaryIndexes().isEmpty()) {
                request.globalSecondaryIndexes(t.globalSecondaryIndexes().stream().map(i -> GlobalSecondaryIndex
                        .builder().indexName(i.name()).keySchema(keys(i.keySchema())).projection(projection(i))
                        .build()).toList());
            }
            if (!t.localSecondaryIndexes().isEmpty()) {
                request.localSecondaryIndexes(t.localSecondaryIndexes().stream().map(i -> LocalSecondaryIndex
                        .builder().indexName(i.name()).keySchema(keys(i.keySchema())).projection(projection(i))
                        .build()).toList());
            }
            dynamo.createTable(request.build());
            long deadline = System.currentTimeMillis() + 10_000;
            while (dynamo.describeTable(b -> b.tableName(name)).table().tableStatus() != TableStatus.ACTIVE) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("table " + name + " did not become ACTIVE");
                }
                sleep(20);
            }
        }
    }

    private static List<KeySchemaElement> keys(List<KeyElement> keys) {
        return keys.stream().map(k -> KeySchemaElement.builder().attributeName(k.attributeName())
                .keyType(k.keyType()).build()).toList();
    }

    private static Projection projection(Index i) {
        Projection.Builder p = Projection.builder().projectionType(i.projectionType());
        if (!i.nonKeyAttributes().isEmpty()) {
            p.nonKeyAttributes(i.nonKeyAttributes());
        }
        return p.build();
    }

    private void createQueues() {
        List<StageModel.Queue> pending = new ArrayList<>(model.queues());
        while (!pending.isEmpty()) {
            boolean progress = false;
            for (var it = pending.iterator(); it.hasNext(); ) {
                StageModel.Queue q = it.next();
                if (q.deadLetterQueue() != null && !queueUrls.containsKey(q.deadLetterQueue())) {
                    continue; // its DLQ first
                }
                createQueue(q);
                it.remove();
                progress = true;
            }
            if (!progress) {
                throw new IllegalStateException("Queues with a redrive cycle or a DLQ outside the template: " + pending);
            }
        }
    }

    private void createQueue(StageModel.Queue q) {
        String name = q.queueName() != null ? q.queueName() : physicalName(q.logicalId()) + (q.fifo() ? ".fifo" : "");
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("VisibilityTimeout", Integer.toString(q.visibilityTimeoutSeconds()));
        if (q.messageRetentionSeconds() != null) {
            attributes.put("MessageRetentionPeriod", Integer.toString(q.messageRetentionSeconds()));
        }
        if (q.fifo()) {
            attributes.put("FifoQueue", "true");
        }
        if (q.deadLetterQueue() != null) {
            String dlqArn = locals.get(q.deadLetterQueue()).attributes().get("Arn");
            attributes.put("RedrivePolicy", Json.write(Map.of("deadLetterTargetArn", dlqArn,
                    "maxReceiveCount", q.maxReceiveCount().toString())));
        }
        String url = sqs.createQueue(b -> b.queueName(name).attributesWithStrings(attributes)).queueUrl();
        String queueArn = sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        queueUrls.put(q.logicalId(), url);
        locals.put(q.logicalId(), Local.of(url, Map.of("Arn", queueArn, "QueueName", name, "QueueUrl", url)));
    }

    private void createUserPools() {
        for (StageModel.UserPool pool : model.userPools()) {
            String name = pool.poolName() != null ? pool.poolName() : physicalName(pool.logicalId());
            String id = null;
            for (JsonNode existing : cognito.call("ListUserPools", Json.object().put("MaxResults", 60)).path("UserPools")) {
                if (name.equals(existing.path("Name").asText())) {
                    id = existing.path("Id").asText();
                }
            }
            if (id == null) {
                ObjectNode body = Json.object().put("PoolName", name);
                for (String field : List.of("Policies", "UsernameAttributes", "AutoVerifiedAttributes", "Schema",
                        "AdminCreateUserConfig")) {
                    if (pool.properties().has(field)) {
                        body.set(field, pool.properties().get(field));
                    }
                }
                id = cognito.call("CreateUserPool", body).path("UserPool").path("Id").asText();
            }
            userPoolIds.put(pool.logicalId(), id);
            String issuer = engines.cognitoEndpoint() + "/" + id;
            locals.put(pool.logicalId(), Local.of(id, Map.of("Arn", arn("cognito-idp", "userpool/" + id),
                    "ProviderName", issuer.replaceFirst("^https?://", ""), "ProviderURL", issuer,
                    "UserPoolId", id)));
        }
        for (StageModel.UserPoolClient client : model.userPoolClients()) {
            String poolId = userPoolIds.get(client.userPool());
            String name = client.clientName() != null ? client.clientName() : client.logicalId();
            String id = null;
            for (JsonNode existing : cognito.call("ListUserPoolClients", Json.object().put("UserPoolId", poolId)
                    .put("MaxResults", 60)).path("UserPoolClients")) {
                if (name.equals(existing.path("ClientName").asText())) {
                    id = existing.path("ClientId").asText();
                }
            }
            if (id == null) {
                ObjectNode body = Json.object().put("UserPoolId", poolId).put("ClientName", name);
                for (String field : List.of("ExplicitAuthFlows", "AccessTokenValidity", "IdTokenValidity",
                        "RefreshTokenValidity", "TokenValidityUnits")) {
                    if (client.properties().has(field)) {
                        body.set(field, client.properties().get(field));
                    }
                }
                id = cognito.call("CreateUserPoolClient", body).path("UserPoolClient").path("ClientId").asText();
            }
            clientIds.put(client.logicalId(), id);
            locals.put(client.logicalId(), Local.of(id, Map.of("ClientId", id, "Name", name)));
        }
        for (StageModel.Group group : model.groups()) {
            ObjectNode body = Json.object().put("UserPoolId", userPoolIds.get(group.userPool()))
                    .put("GroupName", group.groupName());
            if (group.description() != null) {
                body.put("Description", group.description());
            }
            try {
                cognito.call("CreateGroup", body);
            } catch (CognitoLocal.CognitoException e) {
                if (!"GroupExistsException".equals(e.type())) {
                    throw e;
                }
            }
            locals.put(group.logicalId(), Local.of(group.groupName(), Map.of()));
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        dynamo.close();
        sqs.close();
    }
}
