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
 * Runs handlers from the shipped artifact, {@code target/function/serverless-kit-functions.jar}, in a class loader
 * that sees nothing else (like Lambda): proves the shading (filters, merged service files) leaves every handler
 * loadable and working against real engines. Uses reflection because the jar's classes are not the test's classes.
 */
@ExtendWith(LocalAws.class)
class ShadedJarIT {
    private static URLClassLoader loader;

    @BeforeAll
    static void openJar() throws Exception {
        Path jar = Path.of("target/function/serverless-kit-functions.jar");
        assertThat(jar).as("the shaded jar (built by mvn package)").exists();
        assertThat(Files.size(jar)).isGreaterThan(1_000_000);
        loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
    }

    @AfterAll
    static void closeJar() throws Exception {
        loader.close();
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
        Object handler = loader.loadClass(className).getConstructor().newInstance();
        assertThat(loader.loadClass("com.amazonaws.services.lambda.runtime.RequestHandler").isInstance(handler)).isTrue();
        assertThat(handler.getClass().getClassLoader()).isSameAs(loader);
    }

    @Test
    void apiHandlersAnswerFromTheJar() throws Exception {
        Object event = newInstance("com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent");
        call(event, "setPathParameters", Map.of("petId", "pet-not-there"));
        Object response = invoke("dev.serverlesskit.app.petstore.GetPetHandler", event);
        assertThat(call(response, "getStatusCode")).isEqualTo(404);
        assertThat((String) call(response, "getBody")).contains("NOT_FOUND");

        Object click = newInstance("com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent");
        call(click, "setBody", "{\"campaignId\":\"jar-test\",\"adId\":\"ad-1\"}");
        Object accepted = invoke("dev.serverlesskit.app.adclicks.RecordClickHandler", click);
        assertThat(call(accepted, "getStatusCode")).isEqualTo(202);
    }

    @Test
    void clickProcessorAggregatesFromTheJar() throws Exception {
        String campaign = "jar-" + UUID.randomUUID();
        Object message = newInstance("com.amazonaws.services.lambda.runtime.events.SQSEvent$SQSMessage");
        call(message, "setMessageId", "m-1");
        call(message, "setBody", "{\"clickId\":\"" + UUID.randomUUID() + "\",\"campaignId\":\"" + campaign
                + "\",\"adId\":\"ad-1\",\"occurredAt\":\"2026-05-01T10:00:00Z\"}");
        Object event = newInstance("com.amazonaws.services.lambda.runtime.events.SQSEvent");
        call(event, "setRecords", List.of(message));
        Object response = invoke("dev.serverlesskit.app.adclicks.ClickProcessorHandler", event);
        assertThat((List<?>) call(response, "getBatchItemFailures")).isEmpty();
        Map<String, AttributeValue> counter = LocalAws.dynamoDb().getItem(b -> b.tableName(LocalAws.env("CLICKS_TABLE"))
                .key(Map.of("pk", AttributeValue.fromS("CAMPAIGN#" + campaign),
                        "sk", AttributeValue.fromS("HOUR#2026-05-01T10#AD#ad-1"))).consistentRead(true)).item();
        assertThat(counter.get("clicks").n()).isEqualTo("1");
    }

    private static Object newInstance(String className) throws Exception {
        return loader.loadClass(className).getConstructor().newInstance();
    }

    private static Object invoke(String handlerClass, Object event) throws Exception {
        Object handler = newInstance(handlerClass);
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
