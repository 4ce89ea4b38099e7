package dev.serverlesskit.local.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.serverlesskit.local.IntrinsicResolver;
import dev.serverlesskit.local.IntrinsicResolver.Local;
import dev.serverlesskit.local.Json;
import dev.serverlesskit.local.iam.Access;
import dev.serverlesskit.local.iam.AccessLog;
import dev.serverlesskit.local.iam.CredentialsEndpoint;
import dev.serverlesskit.local.iam.IamModel;
import dev.serverlesskit.local.iam.Sessions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * The gateway with the AWS SDK on the calling side (so the errors are checked as the SDK parses them) and a fake
 * engine behind it that records what reaches it: what the role allows is forwarded, what it does not is refused with
 * the service's own error, and so are unknown credentials and bad signatures.
 */
class EngineGatewayTest {
    static final String REGION = "eu-west-1";
    static final String ACCOUNT = "000000000000";
    static final String PETS = "arn:aws:dynamodb:eu-west-1:000000000000:table/Pets";
    static final String QUEUE_URL = "http://127.0.0.1:9/000000000000/clicks";

    static HttpServer engine;
    static final List<String> reached = new CopyOnWriteArrayList<>();
    static final List<String> logged = new CopyOnWriteArrayList<>();
    static final AtomicReference<String> engineAnswer = new AtomicReference<>("{}");
    static Sessions sessions;
    static Sessions.Session addPet;
    static AccessLog accessLog;
    static EngineGateway dynamo;
    static EngineGateway sqs;
    static CredentialsEndpoint credentials;

    /** A role with an inline policy and an attached one, and a TLS-only queue policy, as CDK writes them. */
    static final String TEMPLATE = """
            {"Resources": {
              "Role": {"Type": "AWS::IAM::Role", "Properties": {"Policies": [{"PolicyName": "inline",
                "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "dynamodb:GetItem",
                  "Resource": {"Fn::GetAtt": ["Pets", "Arn"]}}]}}]}},
              "Policy": {"Type": "AWS::IAM::Policy", "Properties": {"Roles": [{"Ref": "Role"}],
                "PolicyDocument": {"Statement": [
                  {"Effect": "Allow", "Action": ["dynamodb:PutItem", "dynamodb:BatchWriteItem"],
                   "Resource": {"Fn::GetAtt": ["Pets", "Arn"]}},
                  {"Effect": "Allow", "Action": "dynamodb:Query",
                   "Resource": {"Fn::Join": ["", [{"Fn::GetAtt": ["Pets", "Arn"]}, "/index/*"]]}},
                  {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": {"Fn::GetAtt": ["Queue", "Arn"]}}]}}},
              "QueuePolicy": {"Type": "AWS::SQS::QueuePolicy", "Properties": {"Queues": [{"Ref": "Queue"}],
                "PolicyDocument": {"Statement": [{"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "sqs:*",
                  "Resource": {"Fn::GetAtt": ["Queue", "Arn"]},
                  "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}}},
              "Pets": {"Type": "AWS::DynamoDB::Table"},
              "Queue": {"Type": "AWS::SQS::Queue"}
            }}""";

    @BeforeAll
    static void start() throws IOException {
        engine = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        engine.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            reached.add((target == null ? new String(body, StandardCharsets.UTF_8) : target));
            byte[] answer = engineAnswer.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        engine.start();
        IntrinsicResolver resolver = new IntrinsicResolver(Map.of(
                "Role", Local.of("add-pet-role", Map.of("Arn", "arn:aws:iam::000000000000:role/add-pet-role",
                        "RoleId", "AROAEXAMPLE")),
                "Pets", Local.of("Pets", Map.of("Arn", PETS)),
                "Queue", Local.of(QUEUE_URL, Map.of("Arn", "arn:aws:sqs:eu-west-1:000000000000:clicks"))),
                Map.of("AWS::Region", REGION, "AWS::AccountId", ACCOUNT));
        IamModel iam = IamModel.read(Json.parse(TEMPLATE), resolver);
        sessions = new Sessions(ACCOUNT, REGION);
        addPet = sessions.issue("AddPetFunction", "add-pet", iam.role("Role"));
        accessLog = new AccessLog();
        Access access = new Access(iam, accessLog);
        Service.Arns arns = new Service.Arns(REGION, ACCOUNT);
        String upstream = "http://127.0.0.1:" + engine.getAddress().getPort();
        dynamo = new EngineGateway(Service.DYNAMODB, upstream, sessions, access, arns, null, logged::add);
        sqs = new EngineGateway(Service.SQS, upstream, sessions, access, arns, null, logged::add);
        credentials = new CredentialsEndpoint(sessions, logged::add);
    }

    @AfterAll
    static void stop() {
        dynamo.close();
        sqs.close();
        credentials.close();
        engine.stop(0);
    }

    @BeforeEach
    void clear() {
        reached.clear();
        logged.clear();
        engineAnswer.set("{}");
        dynamo.hook(null);
    }

    static AwsCredentialsProvider as(Sessions.Session s) {
        return StaticCredentialsProvider.create(AwsSessionCredentials.create(s.accessKeyId(), s.secretAccessKey(),
                s.sessionToken()));
    }

    static DynamoDbClient dynamo(AwsCredentialsProvider credentials) {
        return DynamoDbClient.builder().region(Region.of(REGION)).credentialsProvider(credentials)
                .endpointOverride(URI.create(dynamo.endpoint())).httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1))).build();
    }

    static SqsClient sqs(AwsCredentialsProvider credentials) {
        return SqsClient.builder().region(Region.of(REGION)).credentialsProvider(credentials)
                .endpointOverride(URI.create(sqs.endpoint())).httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1)))
                .checksumValidationEnabled(false).build();
    }

    static Map<String, AttributeValue> item() {
        return Map.of("petId", AttributeValue.fromS("p1"));
    }

    @Test
    void whatTheRoleAllowsReachesTheEngine() {
        try (DynamoDbClient client = dynamo(as(addPet))) {
            client.putItem(b -> b.tableName("Pets").item(item()));
            client.getItem(b -> b.tableName("Pets").key(item()));
            client.query(b -> b.tableName("Pets").indexName("byBuyer").keyConditionExpression("b = :b")
                    .expressionAttributeValues(Map.of(":b", AttributeValue.fromS("x"))));
        }
        assertThat(reached).containsExactly("DynamoDB_20120810.PutItem", "DynamoDB_20120810.GetItem",
                "DynamoDB_20120810.Query");
        assertThat(accessLog.calls()).anySatisfy(c -> {
            assertThat(c.function()).isEqualTo("AddPetFunction");
            assertThat(c.action()).isEqualTo("dynamodb:Query");
            assertThat(c.resource()).isEqualTo(PETS + "/index/byBuyer");
            assertThat(c.decision().allowedBy()).containsExactly("Policy#1");
        });
    }

    @Test
    void aCallTheRoleDoesNotAllowGetsDynamoDbsAccessDenied() {
        try (DynamoDbClient client = dynamo(as(addPet))) {
            assertThatThrownBy(() -> client.deleteItem(b -> b.tableName("Pets").key(item())))
                    .isInstanceOfSatisfying(DynamoDbException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(400);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
                        assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("User: arn:aws:sts::000000000000:"
                                + "assumed-role/add-pet-role/add-pet is not authorized to perform: dynamodb:DeleteItem"
                                + " on resource: " + PETS + " because no identity-based policy allows the"
                                + " dynamodb:DeleteItem action");
                    });
            // the table grant does not cover an index, nor the index grant the table
            assertThatThrownBy(() -> client.query(b -> b.tableName("Pets").keyConditionExpression("p = :p")
                    .expressionAttributeValues(Map.of(":p", AttributeValue.fromS("x")))))
                    .hasMessageContaining("dynamodb:Query on resource: " + PETS + " because");
        }
        assertThat(reached).isEmpty();
        assertThat(logged).anySatisfy(l -> assertThat(l).contains("IAM DynamoDB DeleteItem", "add-pet", "DENY",
                "AccessDenied"));
        assertThat(accessLog.refusals()).extracting(AccessLog.Call::action)
                .contains("dynamodb:DeleteItem", "dynamodb:Query");
    }

    @Test
    void aBatchIsCheckedForEachTable() {
        try (DynamoDbClient client = dynamo(as(addPet))) {
            WriteRequest put = WriteRequest.builder().putRequest(PutRequest.builder().item(item()).build()).build();
            client.batchWriteItem(b -> b.requestItems(Map.of("Pets", List.of(put))));
            assertThatThrownBy(() -> client.batchWriteItem(b -> b.requestItems(Map.of("Pets", List.of(put),
                    "Purchases", List.of(put)))))
                    .hasMessageContaining("dynamodb:BatchWriteItem on resource: "
                            + "arn:aws:dynamodb:eu-west-1:000000000000:table/Purchases");
        }
        assertThat(reached).containsExactly("DynamoDB_20120810.BatchWriteItem");
    }

    @Test
    void sqsRefusesInItsOwnShapeAndTheTlsOnlyQueuePolicyLetsHttpsCallersIn() {
        try (SqsClient client = sqs(as(addPet))) {
            engineAnswer.set("{\"MessageId\":\"m-1\",\"MD5OfMessageBody\":\"x\"}");
            client.sendMessage(b -> b.queueUrl(QUEUE_URL).messageBody("hello"));
            assertThatThrownBy(() -> client.receiveMessage(b -> b.queueUrl(QUEUE_URL)))
                    .isInstanceOfSatisfying(SqsException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(403);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
                        assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("User: arn:aws:sts::000000000000:"
                                + "assumed-role/add-pet-role/add-pet is not authorized to perform: sqs:receivemessage"
                                + " on resource: arn:aws:sqs:eu-west-1:000000000000:clicks because no identity-based"
                                + " policy allows the sqs:receivemessage action");
                    });
        }
        assertThat(reached).containsExactly("AmazonSQS.SendMessage");
    }

    @Test
    void theQueryProtocolIsMappedByItsActionParameter() throws Exception {
        HttpResponse<String> allowed = signedForm(sqs.endpoint(), "Action=SendMessage&QueueUrl="
                + java.net.URLEncoder.encode(QUEUE_URL, StandardCharsets.UTF_8) + "&MessageBody=hi", addPet);
        assertThat(allowed.statusCode()).isEqualTo(200);
        HttpResponse<String> denied = signedForm(sqs.endpoint(), "Action=PurgeQueue&QueueUrl="
                + java.net.URLEncoder.encode(QUEUE_URL, StandardCharsets.UTF_8), addPet);
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(denied.body()).contains("<Code>AccessDenied</Code>", "sqs:purgequeue");
    }

    @Test
    void cognitoChecksAdministratorCallsAndLeavesUserCallsToTheirTokens() throws Exception {
        try (EngineGateway cognito = new EngineGateway(Service.COGNITO_IDP, "http://127.0.0.1:"
                + engine.getAddress().getPort(), sessions, new Access(IamModel.read(Json.parse(TEMPLATE),
                new IntrinsicResolver(Map.of("Role", Local.of("add-pet-role", Map.of("Arn",
                        "arn:aws:iam::000000000000:role/add-pet-role", "RoleId", "AROAEXAMPLE")),
                        "Pets", Local.of("Pets", Map.of("Arn", PETS)),
                        "Queue", Local.of(QUEUE_URL, Map.of("Arn", "arn:aws:sqs:eu-west-1:000000000000:clicks"))),
                        Map.of())), accessLog), new Service.Arns(REGION, ACCOUNT), null, logged::add)) {
            HttpResponse<String> admin = signed(cognito.endpoint(), "cognito-idp", "application/x-amz-json-1.1",
                    "AWSCognitoIdentityProviderService.AdminGetUser",
                    "{\"UserPoolId\":\"eu-west-1_abc\",\"Username\":\"u\"}", addPet);
            assertThat(admin.statusCode()).isEqualTo(400);
            assertThat(Json.parse(admin.body()).path("__type").asText()).isEqualTo("AccessDeniedException");
            assertThat(Json.parse(admin.body()).path("message").asText()).contains(
                    "not authorized to perform: cognito-idp:AdminGetUser on resource: "
                            + "arn:aws:cognito-idp:eu-west-1:000000000000:userpool/eu-west-1_abc");
            HttpResponse<String> user = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(cognito.endpoint())).header("Content-Type", "application/x-amz-json-1.1")
                    .header("X-Amz-Target", "AWSCognitoIdentityProviderService.InitiateAuth")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"AuthFlow\":\"USER_PASSWORD_AUTH\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(user.statusCode()).isEqualTo(200);
        }
        assertThat(reached).containsExactly("AWSCognitoIdentityProviderService.InitiateAuth");
    }

    @Test
    void unknownCredentialsAndBadSignaturesAreRefusedBeforeIam() {
        Sessions.Session forged = new Sessions.Session("X", "x", addPet.role(), addPet.caller(),
                "ASIAUNKNOWNKEY00000", addPet.secretAccessKey(), addPet.sessionToken(), "t", addPet.expiration());
        Sessions.Session wrongSecret = new Sessions.Session("X", "x", addPet.role(), addPet.caller(),
                addPet.accessKeyId(), "not-the-secret", addPet.sessionToken(), "t", addPet.expiration());
        Sessions.Session wrongToken = new Sessions.Session("X", "x", addPet.role(), addPet.caller(),
                addPet.accessKeyId(), addPet.secretAccessKey(), "not-the-token", "t", addPet.expiration());
        for (var c : List.of(Map.entry(forged, "UnrecognizedClientException"),
                Map.entry(wrongSecret, "InvalidSignatureException"),
                Map.entry(wrongToken, "UnrecognizedClientException"))) {
            try (DynamoDbClient client = dynamo(as(c.getKey()))) {
                assertThatThrownBy(() -> client.getItem(b -> b.tableName("Pets").key(item())))
                        .isInstanceOfSatisfying(DynamoDbException.class,
                                e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo(c.getValue()));
            }
        }
        try (SqsClient client = sqs(as(wrongSecret))) {
            assertThatThrownBy(() -> client.sendMessage(b -> b.queueUrl(QUEUE_URL).messageBody("x")))
                    .isInstanceOfSatisfying(SqsException.class,
                            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("SignatureDoesNotMatch"));
        }
        assertThat(reached).isEmpty();
    }

    @Test
    void anUnsignedRequestIsRefused() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(dynamo.endpoint()))
                .header("X-Amz-Target", "DynamoDB_20120810.GetItem")
                .header("Content-Type", "application/x-amz-json-1.0")
                .POST(HttpRequest.BodyPublishers.ofString("{\"TableName\":\"Pets\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("MissingAuthenticationTokenException");
        assertThat(reached).isEmpty();
    }

    @Test
    void theHookRunsForCheckedRequestsBeforeAndAfterTheEngine() {
        List<String> seen = new CopyOnWriteArrayList<>();
        dynamo.hook(new GatewayHook() {
            @Override
            public HttpMessage beforeForward(Call call) {
                seen.add("before " + call.operation() + " by " + call.caller().name());
                return null;
            }

            @Override
            public HttpMessage afterResponse(Call call, HttpMessage response) {
                seen.add("after " + call.operation() + " " + response.status());
                return Service.json(500, "Internal Server Error", "application/x-amz-json-1.0",
                        "{\"__type\":\"com.amazonaws.dynamodb.v20120810#InternalServerError\",\"message\":\"x\"}",
                        List.of());
            }
        });
        try (DynamoDbClient client = dynamo(as(addPet))) {
            assertThatThrownBy(() -> client.putItem(b -> b.tableName("Pets").item(item())))
                    .isInstanceOfSatisfying(DynamoDbException.class, e -> assertThat(e.statusCode()).isEqualTo(500));
            assertThatThrownBy(() -> client.deleteItem(b -> b.tableName("Pets").key(item())))
                    .isInstanceOfSatisfying(DynamoDbException.class, e ->
                            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException"));
        }
        assertThat(reached).containsExactly("DynamoDB_20120810.PutItem"); // applied, then the response failed
        assertThat(seen).containsExactly("before PutItem by add-pet", "after PutItem 200");
    }

    @Test
    void theContainerEndpointServesASessionToItsTokenOnly() {
        String uri = credentials.uri();
        System.setProperty("aws.containerCredentialsFullUri", uri);
        try {
            System.setProperty("aws.containerAuthorizationToken", addPet.containerToken());
            var resolved = (AwsSessionCredentials) ContainerCredentialsProvider.builder().build().resolveCredentials();
            assertThat(resolved.accessKeyId()).isEqualTo(addPet.accessKeyId());
            assertThat(resolved.sessionToken()).isEqualTo(addPet.sessionToken());
            assertThat(resolved.expirationTime()).isPresent();
            assertThat(credentials.served("AddPetFunction")).isEqualTo(1);

            System.setProperty("aws.containerAuthorizationToken", "someone-elses-token");
            assertThatThrownBy(() -> ContainerCredentialsProvider.builder().build().resolveCredentials())
                    .isInstanceOf(SdkClientException.class);
            assertThat(logged).anySatisfy(l -> assertThat(l).contains("credentials endpoint", "unknown"));
        } finally {
            System.clearProperty("aws.containerCredentialsFullUri");
            System.clearProperty("aws.containerAuthorizationToken");
        }
    }

    /** A Query-protocol SQS request, signed by the SDK's own signer. */
    static HttpResponse<String> signedForm(String endpoint, String form, Sessions.Session s) throws Exception {
        return signed(endpoint, "sqs", "application/x-www-form-urlencoded", null, form, s);
    }

    static HttpResponse<String> signed(String endpoint, String service, String contentType, String target,
                                       String text, Sessions.Session s) throws Exception {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        SdkHttpFullRequest.Builder raw = SdkHttpFullRequest.builder().method(SdkHttpMethod.POST)
                .uri(URI.create(endpoint)).putHeader("Content-Type", contentType)
                .contentStreamProvider(() -> new java.io.ByteArrayInputStream(body));
        if (target != null) {
            raw.putHeader("X-Amz-Target", target);
        }
        SdkHttpFullRequest request = raw.build();
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r.request(request)
                .payload(request.contentStreamProvider().orElseThrow())
                .identity(software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity.create(s.accessKeyId(),
                        s.secretAccessKey(), s.sessionToken()))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, REGION));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(endpoint))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        signed.request().forEachHeader((name, values) -> {
            if (!name.equalsIgnoreCase("Host") && !name.equalsIgnoreCase("Content-Length")) {
                values.forEach(v -> b.header(name, v));
            }
        });
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
