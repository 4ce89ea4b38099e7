package dev.serverlesskit.app.testing;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
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
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.CreateQueueRequest;

/**
 * Real local engines for integration tests, started once per test JVM: dynalite (DynamoDB wire protocol, from the
 * repo's {@code node_modules}) and embedded ElasticMQ (SQS). They listen where the test environment says
 * ({@code AWS_ENDPOINT_URL_DYNAMODB} / {@code AWS_ENDPOINT_URL_SQS}, set in the surefire configuration), so the
 * handlers reach them through the SDK's own endpoint settings with no test-only code path.
 * Tables and the clicks queue are created with the same schemas infra deploys.
 *
 * <p>When the environment names a container credentials endpoint ({@code AWS_CONTAINER_CREDENTIALS_FULL_URI}, as
 * Lambda does for SnapStart functions, with no access-key variables), it is served here too: the token in
 * {@code AWS_CONTAINER_AUTHORIZATION_TOKEN} gets credentials, any other is refused, and every fetch is counted.
 * The engines do not check signatures; the test infrastructure's own clients use fixed credentials.
 */
public final class LocalAws implements BeforeAllCallback {
    private static final Object LOCK = new Object();
    private static boolean started;
    private static Process dynalite;
    private static SQSRestServer elasticMq;
    private static DynamoDbClient dynamoDb;
    private static SqsClient sqs;
    private static com.sun.net.httpserver.HttpServer credentialsEndpoint;
    private static final java.util.concurrent.atomic.AtomicInteger CREDENTIALS_SERVED =
            new java.util.concurrent.atomic.AtomicInteger();
    private static final StaticCredentialsProvider OWN_CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("local-aws", "local-aws"));

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        synchronized (LOCK) {
            if (started) {
                return;
            }
            startCredentialsEndpoint();
            startDynalite();
            startElasticMq();
            createTables();
            createQueue();
            started = true;
            // Engines live for the whole JVM (shared by all IT classes); stop them when it exits.
            Runtime.getRuntime().addShutdownHook(new Thread(LocalAws::stop));
        }
    }

    public static DynamoDbClient dynamoDb() {
        return dynamoDb;
    }

    public static SqsClient sqs() {
        return sqs;
    }

    /** How many times the container credentials endpoint handed out credentials. */
    public static int containerCredentialsServed() {
        return CREDENTIALS_SERVED.get();
    }

    public static String env(String name) {
        String value = System.getenv(name);
        if (value == null) {
            throw new IllegalStateException(name + " is not set: run the tests through Maven (surefire sets it)");
        }
        return value;
    }

    private static void startDynalite() throws Exception {
        URI endpoint = URI.create(env("AWS_ENDPOINT_URL_DYNAMODB"));
        Path root = repoRoot();
        Path bin = root.resolve("node_modules/.bin/dynalite");
        if (!Files.exists(bin)) {
            throw new IllegalStateException("dynalite not found at " + bin + ": run `npm ci` in " + root);
        }
        if (portOpen(endpoint.getPort())) {
            throw new IllegalStateException("port " + endpoint.getPort() + " is already in use (a leftover dynalite?)"
                    + "; stop it or change AWS_ENDPOINT_URL_DYNAMODB in lambdas/pom.xml");
        }
        Path log = Files.createTempFile("dynalite", ".log");
        dynalite = new ProcessBuilder(List.of(bin.toString(), "--host", endpoint.getHost(),
                "--port", Integer.toString(endpoint.getPort()), "--createTableMs", "0", "--deleteTableMs", "0",
                "--updateTableMs", "0"))
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        long deadline = System.currentTimeMillis() + 30_000;
        while (!portOpen(endpoint.getPort())) {
            if (!dynalite.isAlive()) {
                throw new IllegalStateException("dynalite exited with " + dynalite.exitValue() + ": "
                        + Files.readString(log));
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("dynalite did not listen within 30 s: " + Files.readString(log));
            }
            Thread.sleep(50);
        }
        dynamoDb = DynamoDbClient.builder()
                .region(Region.of(env("AWS_REGION")))
                .credentialsProvider(OWN_CREDENTIALS)
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    private static void startCredentialsEndpoint() throws IOException {
        String uri = System.getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
        if (uri == null) {
            return;
        }
        URI endpoint = URI.create(uri);
        String token = env("AWS_CONTAINER_AUTHORIZATION_TOKEN");
        credentialsEndpoint = com.sun.net.httpserver.HttpServer.create(
                new InetSocketAddress(endpoint.getHost(), endpoint.getPort()), 8);
        credentialsEndpoint.createContext(endpoint.getPath(), exchange -> {
            boolean ok = token.equals(exchange.getRequestHeaders().getFirst("Authorization"));
            String body = ok ? "{\"AccessKeyId\":\"ASIACONTAINER\",\"SecretAccessKey\":\"container-secret\","
                    + "\"Token\":\"container-token\",\"Expiration\":\""
                    + java.time.Instant.now().plusSeconds(3600).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                    + "\"}" : "{\"code\":\"InvalidToken\"}";
            if (ok) {
                CREDENTIALS_SERVED.incrementAndGet();
            }
            byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(ok ? 200 : 401, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        credentialsEndpoint.start();
    }

    private static void startElasticMq() {
        URI endpoint = URI.create(env("AWS_ENDPOINT_URL_SQS"));
        elasticMq = SQSRestServerBuilder.withPort(endpoint.getPort())
                .withInterface(endpoint.getHost())
                .withServerAddress(new NodeAddress("http", endpoint.getHost(), endpoint.getPort(), ""))
                .withAWSRegion(env("AWS_REGION"))
                .withAWSAccountId("000000000000")
                .start();
        elasticMq.waitUntilStarted();
        sqs = SqsClient.builder()
                .region(Region.of(env("AWS_REGION")))
                .credentialsProvider(OWN_CREDENTIALS)
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    private static void createTables() throws InterruptedException {
        dynamoDb.createTable(CreateTableRequest.builder()
                .tableName(env("PETS_TABLE"))
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attr("petId", ScalarAttributeType.S), attr("species", ScalarAttributeType.S),
                        attr("price", ScalarAttributeType.N), attr("buyerId", ScalarAttributeType.S),
                        attr("soldAt", ScalarAttributeType.S))
                .keySchema(key("petId", KeyType.HASH))
                .globalSecondaryIndexes(
                        gsi("bySpecies", "species", "price"),
                        gsi("byBuyer", "buyerId", "soldAt"))
                .build());
        dynamoDb.createTable(CreateTableRequest.builder()
                .tableName(env("IDEMPOTENCY_TABLE"))
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attr("idempotencyKey", ScalarAttributeType.S))
                .keySchema(key("idempotencyKey", KeyType.HASH))
                .build());
        dynamoDb.createTable(CreateTableRequest.builder()
                .tableName(env("CLICKS_TABLE"))
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attr("pk", ScalarAttributeType.S), attr("sk", ScalarAttributeType.S))
                .keySchema(key("pk", KeyType.HASH), key("sk", KeyType.RANGE))
                .build());
        for (String table : List.of(env("PETS_TABLE"), env("IDEMPOTENCY_TABLE"), env("CLICKS_TABLE"))) {
            long deadline = System.currentTimeMillis() + 10_000;
            while (dynamoDb.describeTable(b -> b.tableName(table)).table().tableStatus() != TableStatus.ACTIVE) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("table " + table + " did not become ACTIVE");
                }
                Thread.sleep(20);
            }
        }
    }

    private static void createQueue() {
        String url = env("CLICKS_QUEUE_URL");
        String name = url.substring(url.lastIndexOf('/') + 1);
        sqs.createQueue(CreateQueueRequest.builder().queueName(name)
                .attributesWithStrings(Map.of("VisibilityTimeout", "30")).build());
    }

    private static AttributeDefinition attr(String name, ScalarAttributeType type) {
        return AttributeDefinition.builder().attributeName(name).attributeType(type).build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }

    private static GlobalSecondaryIndex gsi(String name, String pk, String sk) {
        return GlobalSecondaryIndex.builder()
                .indexName(name)
                .keySchema(key(pk, KeyType.HASH), key(sk, KeyType.RANGE))
                .projection(Projection.builder().projectionType(ProjectionType.ALL).build())
                .build();
    }

    private static boolean portOpen(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The repository root: the nearest directory above user.dir with package.json and node_modules. */
    static Path repoRoot() {
        File dir = new File(System.getProperty("user.dir")).getAbsoluteFile();
        for (File d = dir; d != null; d = d.getParentFile()) {
            if (new File(d, "package.json").isFile() && new File(d, "node_modules").isDirectory()) {
                return d.toPath();
            }
        }
        throw new IllegalStateException("no directory with package.json and node_modules above " + dir
                + ": run `npm ci` at the repository root");
    }

    private static void stop() {
        if (credentialsEndpoint != null) {
            credentialsEndpoint.stop(0);
        }
        if (elasticMq != null) {
            try {
                elasticMq.stopAndWait();
            } catch (RuntimeException ignored) {
                // JVM is exiting
            }
        }
        if (dynalite != null) {
            dynalite.descendants().forEach(ProcessHandle::destroy);
            dynalite.destroy();
        }
    }
}
