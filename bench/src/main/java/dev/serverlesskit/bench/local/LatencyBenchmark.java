package dev.serverlesskit.bench.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serverlesskit.local.FunctionHost;
import dev.serverlesskit.local.LocalRuntime;
import dev.serverlesskit.local.gateway.Service;
import dev.serverlesskit.local.iam.Sessions;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;

/**
 * Warm request latency of {@code GET /pets/{petId}} (a DynamoDB GetItem on dynalite): through the local runtime
 * over HTTP (API server, route match, throttling, event JSON, function host, response JSON) against calling the
 * same warm handler instance directly with a prepared event. Sample mode gives p50/p99. One thread, as one client.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgs = {"-Xmx1g"})
public class LatencyBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private LocalRuntime runtime;
    private HttpClient http;
    private HttpRequest request;
    private Object handler;
    private Method handle;
    private Object event;
    private Object context;
    private DynamoDbClient viaGateway;
    private DynamoDbClient toEngine;
    private GetItemRequest getItem;

    @Setup(Level.Trial)
    public void start() throws Exception {
        runtime = BenchStage.start();
        Map<String, FunctionHost> hosts = hosts(runtime);
        FunctionHost getPet = host(hosts, "GetPetHandler");
        String petId = addPet(host(hosts, "AddPetHandler"));
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        request = HttpRequest.newBuilder(URI.create(runtime.apiUrl().replaceAll("/$", "") + "/pets/" + petId)).GET()
                .build();
        // warm the function through the runtime once, then take its instance for the direct calls
        if (http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode() != 200) {
            throw new IllegalStateException("GET /pets/" + petId + " failed");
        }
        Field f = FunctionHost.class.getDeclaredField("instance");
        f.setAccessible(true);
        Object instance = f.get(getPet);
        handler = field(instance, "handler");
        handle = (Method) field(instance, "method");
        Object input = field(instance, "input");
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("httpMethod", "GET");
        e.put("resource", "/pets/{petId}");
        e.put("path", "/pets/" + petId);
        e.put("pathParameters", Map.of("petId", petId));
        e.put("headers", Map.of("Accept", "application/json"));
        e.put("requestContext", Map.of("requestId", UUID.randomUUID().toString(), "stage", "dev"));
        @SuppressWarnings("unchecked")
        var serializer = (com.amazonaws.services.lambda.runtime.serialization.PojoSerializer<Object>) input;
        event = serializer.fromJson(JSON.writeValueAsString(e));
        Method ctx = FunctionHost.class.getDeclaredMethod("context", instance.getClass(), String.class, long.class);
        ctx.setAccessible(true);
        context = ctx.invoke(getPet, instance, "bench-direct", System.currentTimeMillis() + 3_600_000L);

        // the IAM gateway's own cost: the same GetItem, signed with GetPet's credentials, through the gateway or
        // straight to dynalite
        Sessions.Session session = runtime.sessions().get(getPet.function().logicalId());
        viaGateway = DynamoDbClient.builder().region(Region.of(runtime.model().region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsSessionCredentials.create(
                        session.accessKeyId(), session.secretAccessKey(), session.sessionToken())))
                .endpointOverride(URI.create(runtime.gateway(Service.DYNAMODB).endpoint()))
                .httpClient(UrlConnectionHttpClient.create()).build();
        toEngine = DynamoDbClient.builder().region(Region.of(runtime.model().region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsSessionCredentials.create(
                        session.accessKeyId(), session.secretAccessKey(), session.sessionToken())))
                .endpointOverride(URI.create(runtime.engines().dynamoEndpoint()))
                .httpClient(UrlConnectionHttpClient.create()).build();
        getItem = GetItemRequest.builder().tableName(getPet.environment().get("PETS_TABLE"))
                .key(Map.of("petId", AttributeValue.fromS(petId))).build();
    }

    @Benchmark
    public Object getItemThroughGateway() {
        return viaGateway.getItem(getItem).item();
    }

    @Benchmark
    public Object getItemToEngine() {
        return toEngine.getItem(getItem).item();
    }

    @TearDown(Level.Trial)
    public void stop() {
        viaGateway.close();
        toEngine.close();
        runtime.close();
    }

    @Benchmark
    public Object direct() throws Exception {
        return handle.invoke(handler, event, context);
    }

    @Benchmark
    public int throughRuntime() throws Exception {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("status " + r.statusCode() + ": " + r.body());
        }
        return r.body().length();
    }

    private static Object field(Object target, String name) throws Exception {
        Field f = target.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return f.get(target);
    }

    static Map<String, FunctionHost> hosts(LocalRuntime runtime) {
        return runtime.functions();
    }

    static FunctionHost host(Map<String, FunctionHost> hosts, String simpleName) {
        return hosts.values().stream().filter(h -> h.function().handlerClass().endsWith("." + simpleName))
                .findFirst().orElseThrow();
    }

    static String addPet(FunctionHost addPet) throws Exception {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("httpMethod", "POST");
        e.put("resource", "/pets");
        e.put("path", "/pets");
        e.put("headers", Map.of("Content-Type", "application/json"));
        e.put("body", "{\"name\":\"Bench\",\"species\":\"dog\",\"price\":10}");
        e.put("requestContext", Map.of("requestId", UUID.randomUUID().toString(),
                "authorizer", Map.of("claims", Map.of("sub", "bench-admin", "cognito:groups", "admins"))));
        FunctionHost.Invocation inv = addPet.invoke(JSON.writeValueAsString(e));
        var response = JSON.readTree(inv.payload());
        return JSON.readTree(response.path("body").asText()).path("petId").asText();
    }
}
