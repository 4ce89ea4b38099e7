package dev.serverlesskit.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlesskit.app.testing.LocalAws;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Runs handlers from the shipped artifacts, {@code target/function/serverless-kit-functions-<group>.jar}, each
 * handler from ITS group's jar in a class loader that sees nothing else (like Lambda): proves the shading (filters,
 * merged service files, the split by SDK client) leaves every handler loadable and working against real engines.
 * Uses reflection because the jars' classes are not the test's classes.
 */
@ExtendWith(LocalAws.class)
class ShadedJarIT {
    /** Which jar each handler ships in (infra's Handlers#jarOf says the same; HandlerNamesTest checks it). */
    static final Map<String, String> JAR_OF = Map.of(
            "dev.serverlesskit.app.petstore.ListPetsHandler", "dynamodb",
            "dev.serverlesskit.app.petstore.GetPetHandler", "dynamodb",
            "dev.serverlesskit.app.petstore.AddPetHandler", "dynamodb",
            "dev.serverlesskit.app.petstore.PurchasePetHandler", "dynamodb",
            "dev.serverlesskit.app.petstore.ListPurchasesHandler", "dynamodb",
            "dev.serverlesskit.app.adclicks.RecordClickHandler", "sqs",
            "dev.serverlesskit.app.adclicks.ClickProcessorHandler", "dynamodb",
            "dev.serverlesskit.app.adclicks.CampaignStatsHandler", "dynamodb");
    private static final long MAX_JAR_BYTES = 8_000_000;
    private static final Map<String, URLClassLoader> LOADERS = new java.util.HashMap<>();

    static Path jar(String group) {
        return Path.of("target/function/serverless-kit-functions-" + group + ".jar");
    }

    @BeforeAll
    static void openJars() throws Exception {
        for (String group : List.of("dynamodb", "sqs")) {
            Path jar = jar(group);
            assertThat(jar).as("the shaded jar (built by mvn package)").exists();
            assertThat(Files.size(jar)).isGreaterThan(1_000_000).isLessThanOrEqualTo(MAX_JAR_BYTES);
            LOADERS.put(group, new URLClassLoader(new URL[] {jar.toUri().toURL()},
                    ClassLoader.getPlatformClassLoader()));
        }
    }

    @AfterAll
    static void closeJars() throws Exception {
        for (URLClassLoader l : LOADERS.values()) {
            l.close();
        }
    }

    @Test
    void theDeploymentChecksShipAloneWithTheLambdaClientWhichNoOtherJarCarries() throws Exception {
        Path delivery = jar("delivery");
        assertThat(Files.size(delivery)).isGreaterThan(1_000_000).isLessThanOrEqualTo(MAX_JAR_BYTES);
        String lambdaClient = "software/amazon/awssdk/services/lambda/LambdaClient.class";
        String signer = "software/amazon/awssdk/http/auth/aws/signer/AwsV4HttpSigner.class";
        String hook = "dev/serverlesskit/app/delivery/PreTrafficHookHandler.class";
        try (var d = new java.util.zip.ZipFile(delivery.toFile());
             var dynamo = new java.util.zip.ZipFile(jar("dynamodb").toFile());
             var sqs = new java.util.zip.ZipFile(jar("sqs").toFile())) {
            assertThat(d.getEntry(hook)).isNotNull();
            assertThat(d.getEntry(lambdaClient)).isNotNull();
            assertThat(d.getEntry(signer)).isNotNull();
            assertThat(d.getEntry("software/amazon/awssdk/services/dynamodb/DynamoDbClient.class")).isNull();
            assertThat(d.getEntry("dev/serverlesskit/app/petstore/GetPetHandler.class")).isNull();
            for (var other : List.of(dynamo, sqs)) {
                assertThat(other.getEntry(hook)).as(other.getName()).isNull();
                assertThat(other.getEntry(lambdaClient)).as(other.getName()).isNull();
            }
            // the processor recognises the hook's probe message from its own jar
            assertThat(dynamo.getEntry("dev/serverlesskit/app/delivery/ProbeMessage.class")).isNotNull();
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {delivery.toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            Class<?> trafficHook = Class.forName("dev.serverlesskit.app.delivery.TrafficHook", true, loader);
            Object parsed = trafficHook.getMethod("fromJson", String.class).invoke(null,
                    "[{\"name\":\"GetPet\",\"function\":\"arn:aws:lambda:eu-west-1:1:function:f:7\",\"probe\":\"get-pet\"}]");
            assertThat(parsed).isNotNull();
            Class.forName("dev.serverlesskit.app.delivery.PreTrafficHookHandler", false, loader)
                    .getDeclaredClasses();
            Class.forName("software.amazon.awssdk.services.lambda.LambdaClient", true, loader);
            Class.forName("dev.serverlesskit.app.delivery.DeploymentReports", true, loader);
        }
    }

    @Test
    void eachJarHoldsOnlyItsOwnSdkClientAndKeepsJodaTime() throws Exception {
        try (var dynamo = new java.util.zip.ZipFile(jar("dynamodb").toFile());
             var sqs = new java.util.zip.ZipFile(jar("sqs").toFile())) {
            String dynamoClient = "software/amazon/awssdk/services/dynamodb/DynamoDbClient.class";
            String sqsClient = "software/amazon/awssdk/services/sqs/SqsClient.class";
            String joda = "org/joda/time/DateTime.class"; // the Lambda runtime's event serializer loads it
            assertThat(dynamo.getEntry(dynamoClient)).isNotNull();
            assertThat(dynamo.getEntry(sqsClient)).isNull();
            assertThat(sqs.getEntry(sqsClient)).isNotNull();
            assertThat(sqs.getEntry(dynamoClient)).isNull();
            assertThat(dynamo.getEntry(joda)).isNotNull();
            assertThat(sqs.getEntry(joda)).isNotNull();
            for (Map.Entry<String, String> e : JAR_OF.entrySet()) {
                String entry = e.getKey().replace('.', '/') + ".class";
                assertThat((e.getValue().equals("sqs") ? sqs : dynamo).getEntry(entry)).as(e.getKey()).isNotNull();
                assertThat((e.getValue().equals("sqs") ? dynamo : sqs).getEntry(entry)).as(e.getKey()).isNull();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "dev.serverlesskit.app.petstore.ListPetsHandler",
            "dev.serverlesskit.app.petstore.GetPetHandler",
            "dev.serverlesskit.app.petstore.AddPetHandler",
            "dev.serverlesskit.app.petstore.PurchasePetHandler",
            "dev.serverlesskit.app.petstore.ListPurchasesHandler",
            "dev.serverlesskit.app.adclicks.RecordClickHandler",
            "dev.serverlesskit.app.adclicks.ClickProcessorHandler",
            "dev.serverlesskit.app.adclicks.CampaignStatsHandler"})
    void everyHandlerInitializesFromTheJar(String className) throws Exception {
        URLClassLoader loader = LOADERS.get(JAR_OF.get(className));
        Object handler = loader.loadClass(className).getConstructor().newInstance();
        assertThat(loader.loadClass("com.amazonaws.services.lambda.runtime.RequestHandler").isInstance(handler)).isTrue();
        assertThat(handler.getClass().getClassLoader()).isSameAs(loader);
    }

    @Test
    void apiHandlersAnswerFromTheJar() throws Exception {
        Object event = newInstance("dynamodb", "com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent");
        // the route, as API Gateway names it: a function refuses a route its SERVERLESSKIT_ROUTE_ACCESS does not list
        call(event, "setHttpMethod", "GET");
        call(event, "setResource", "/pets/{petId}");
        call(event, "setPathParameters", Map.of("petId", "pet-not-there"));
        Object response = invoke("dev.serverlesskit.app.petstore.GetPetHandler", event);
        assertThat(call(response, "getStatusCode")).isEqualTo(404);
        assertThat((String) call(response, "getBody")).contains("NOT_FOUND");

        Object click = newInstance("sqs", "com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent");
        call(click, "setHttpMethod", "POST");
        call(click, "setResource", "/clicks");
        call(click, "setBody", "{\"campaignId\":\"jar-test\",\"adId\":\"ad-1\"}");
        Object accepted = invoke("dev.serverlesskit.app.adclicks.RecordClickHandler", click);
        assertThat(call(accepted, "getStatusCode")).isEqualTo(202);

        Object batch = newInstance("sqs", "com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent");
        call(batch, "setHttpMethod", "POST");
        call(batch, "setResource", "/clicks/batch");
        call(batch, "setBody", "{\"clicks\":[{\"campaignId\":\"jar-test\",\"adId\":\"ad-1\"},"
                + "{\"campaignId\":\"jar-test\",\"adId\":\"ad-2\"}]}");
        Object batchAccepted = invoke("dev.serverlesskit.app.adclicks.RecordClickHandler", batch);
        assertThat(call(batchAccepted, "getStatusCode")).as((String) call(batchAccepted, "getBody")).isEqualTo(202);
    }

    @Test
    void clickProcessorAggregatesFromTheJar() throws Exception {
        String campaign = "jar-" + UUID.randomUUID();
        Object message = newInstance("dynamodb", "com.amazonaws.services.lambda.runtime.events.SQSEvent$SQSMessage");
        call(message, "setMessageId", "m-1");
        call(message, "setBody", "{\"clickId\":\"" + UUID.randomUUID() + "\",\"campaignId\":\"" + campaign
                + "\",\"adId\":\"ad-1\",\"occurredAt\":\"2026-05-01T10:00:00Z\"}");
        Object event = newInstance("dynamodb", "com.amazonaws.services.lambda.runtime.events.SQSEvent");
        call(event, "setRecords", List.of(message));
        Object response = invoke("dev.serverlesskit.app.adclicks.ClickProcessorHandler", event);
        assertThat((List<?>) call(response, "getBatchItemFailures")).isEmpty();
        Map<String, AttributeValue> counter = LocalAws.dynamoDb().getItem(b -> b.tableName(LocalAws.env("CLICKS_TABLE"))
                .key(Map.of("pk", AttributeValue.fromS("CAMPAIGN#" + campaign),
                        "sk", AttributeValue.fromS("HOUR#2026-05-01T10#AD#ad-1"))).consistentRead(true)).item();
        assertThat(counter.get("clicks").n()).isEqualTo("1");
        // the update was made under the invocation's token (one HTTP attempt: a per-request SDK plugin), then the
        // token removed once the marker was completed
        assertThat(counter.keySet()).noneMatch(attribute -> attribute.startsWith("t_"));
    }

    private static Object newInstance(String group, String className) throws Exception {
        return LOADERS.get(group).loadClass(className).getConstructor().newInstance();
    }

    private static Object invoke(String handlerClass, Object event) throws Exception {
        URLClassLoader loader = LOADERS.get(JAR_OF.get(handlerClass));
        Object handler = loader.loadClass(handlerClass).getConstructor().newInstance();
        Class<?> contextType = loader.loadClass("com.amazonaws.services.lambda.runtime.Context");
        Object context = Proxy.newProxyInstance(loader, new Class<?>[] {contextType}, (proxy, method, args) ->
                switch (method.getName()) {
                    case "getAwsRequestId" -> "jar-" + UUID.randomUUID();
                    case "getFunctionName" -> "jar-test";
                    case "getFunctionVersion" -> "$LATEST";
                    case "getInvokedFunctionArn" -> "arn:aws:lambda:eu-west-1:000000000000:function:jar-test";
                    case "getMemoryLimitInMB" -> 1024;
                    case "getRemainingTimeInMillis" -> 30_000;
                    case "toString" -> "jar-test-context";
                    case "hashCode" -> 1;
                    case "equals" -> proxy == args[0];
                    default -> null;
                });
        Method handle = handler.getClass().getMethod("handleRequest", Object.class, contextType);
        return handle.invoke(handler, event, context);
    }

    private static Object call(Object target, String method, Object... args) throws Exception {
        for (Method m : target.getClass().getMethods()) {
            if (m.getName().equals(method) && m.getParameterCount() == args.length) {
                return m.invoke(target, args);
            }
        }
        throw new NoSuchMethodException(method);
    }
}
