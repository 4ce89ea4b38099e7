package dev.serverlesskit.test.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serverlesskit.constructs.JavaFunction;
import dev.serverlesskit.constructs.JavaFunctionProps;
import dev.serverlesskit.constructs.LambdaAuthorizer;
import dev.serverlesskit.constructs.RouteAccess;
import dev.serverlesskit.constructs.RouteOptions;
import dev.serverlesskit.constructs.ServerlessApi;
import dev.serverlesskit.constructs.ServerlessApiProps;
import dev.serverlesskit.local.LocalRuntime;
import dev.serverlesskit.local.iam.Sessions;
import dev.serverlesskit.test.e2e.authfixture.EchoHandler;
import dev.serverlesskit.test.e2e.authfixture.PartnerAuthorizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Stage;
import software.amazon.awscdk.StageProps;
import software.amazon.awscdk.services.apigateway.ApiKey;
import software.amazon.awscdk.services.apigateway.UsagePlan;
import software.amazon.awscdk.services.apigateway.UsagePlanProps;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * The local runtime serves the route access kinds beyond Cognito as API Gateway does, on a test-only stack built with
 * the library (an API with IAM routes, a Lambda request authorizer and an API key route; test-only functions):
 * IAM routes verify the SigV4 signature with the local sessions' credentials and evaluate {@code execute-api:Invoke}
 * against the caller's role; the authorizer function runs with API Gateway's REQUEST event and its policy is
 * enforced (401 without the identity source, 403 on Deny), its answer cached for the TTL; an API key route needs a
 * key of the stage's usage plan. Every refusal is the gateway's JSON error.
 */
class LocalRouteAuthorizationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static LocalRuntime runtime;
    private static String keyValue;

    @BeforeAll
    static void start() throws IOException {
        Path out = Files.createTempDirectory("auth-cdk-out");
        App app = new App(AppProps.builder().outdir(out.toString()).build());
        Stage stage = new Stage(app, "authtest", StageProps.builder()
                .env(Environment.builder().account("111111111111").region("eu-west-1").build()).build());
        Stack stack = new Stack(stage, "Stack", StackProps.builder().build());
        Code code = Code.fromAsset(functionsJar().toString());
        JavaFunction echo = function(stack, "Echo", EchoHandler.class, code);
        JavaFunction caller = function(stack, "Caller", EchoHandler.class, code);
        function(stack, "Stranger", EchoHandler.class, code);
        JavaFunction decide = function(stack, "Partners", PartnerAuthorizer.class, code);

        ServerlessApi api = new ServerlessApi(stack, "Api", ServerlessApiProps.builder().cloudWatchRole(false)
                .build());
        api.addRoute("GET", "/internal/orders/{orderId}", echo, RouteAccess.iam());
        api.addRoute("GET", "/internal/stats", echo, RouteAccess.iam());
        api.addRoute("GET", "/partner/orders", echo, RouteAccess.lambdaAuthorizer(LambdaAuthorizer.builder()
                .name("partners").handler(decide).build()));
        api.addRoute("GET", "/feed", echo, RouteAccess.publicAccess("partners identified by their API key only"),
                RouteOptions.builder().apiKeyRequired(true).build());
        api.grantInvoke(caller, "GET", "/internal/orders/{orderId}");
        UsagePlan plan = api.addUsagePlan("Partners", UsagePlanProps.builder().build());
        plan.addApiKey(ApiKey.Builder.create(stack, "PartnerKey").build());
        app.synth();

        runtime = LocalStage.runtime("authtest", "authtest", out);
        keyValue = runtime.apiKeys().values().iterator().next();
    }

    @AfterAll
    static void stop() {
        LocalStage.stopRunning();
    }

    private static JavaFunction function(Stack stack, String id, Class<?> handler, Code code) {
        return new JavaFunction(stack, id, JavaFunctionProps.builder().handler(handler.getName() + "::handleRequest")
                .code(code).reservedConcurrency(2).snapStart(false).build());
    }

    /** The two handlers and the Lambda runtime interface the local runtime loads with them. */
    private static Path functionsJar() throws IOException {
        Path jar = Files.createTempFile("auth-functions", ".jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (Class<?> c : List.of(EchoHandler.class, PartnerAuthorizer.class)) {
                String name = c.getName().replace('.', '/') + ".class";
                out.putNextEntry(new JarEntry(name));
                try (InputStream in = c.getClassLoader().getResourceAsStream(name)) {
                    in.transferTo(out);
                }
            }
            Path core = Path.of(URI.create(Context.class.getProtectionDomain().getCodeSource().getLocation()
                    .toString()));
            try (JarFile lib = new JarFile(core.toFile())) {
                for (JarEntry e : java.util.Collections.list(lib.entries())) {
                    if (e.getName().endsWith(".class")) {
                        out.putNextEntry(new JarEntry(e.getName()));
                        try (InputStream in = lib.getInputStream(e)) {
                            in.transferTo(out);
                        }
                    }
                }
            }
        }
        return jar;
    }

    private record Answer(int status, JsonNode body) {
        String code() {
            return body.path("error").path("code").asText();
        }
    }

    private static Answer get(String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(runtime.apiUrl() + path)).GET()
                .timeout(Duration.ofSeconds(20));
        headers.forEach(b::header);
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), JSON.readTree(r.body()));
    }

    /** GET signed with the local IAM session of {@code function} (SigV4, service execute-api). */
    private static Answer signedGet(String function, String path) throws Exception {
        Sessions.Session s = runtime.sessions().entrySet().stream()
                .filter(e -> e.getKey().startsWith(function)).map(Map.Entry::getValue).findFirst().orElseThrow();
        SdkHttpRequest request = SdkHttpRequest.builder().uri(URI.create(runtime.apiUrl() + path))
                .method(SdkHttpMethod.GET).build();
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r.request(request)
                .identity(AwsSessionCredentialsIdentity.create(s.accessKeyId(), s.secretAccessKey(),
                        s.sessionToken()))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "execute-api")
                .putProperty(AwsV4HttpSigner.REGION_NAME, "eu-west-1"));
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        signed.request().headers().forEach((k, v) -> {
            if (!k.equalsIgnoreCase("Host")) {
                headers.put(k, v.get(0));
            }
        });
        return get(path, headers);
    }

    @Test
    void anIamRouteServesACallerWhoseRoleMayInvokeItAndRefusesEveryoneElse() throws Exception {
        Answer granted = signedGet("Caller", "/internal/orders/o-1");
        assertThat(granted.status()).isEqualTo(200);
        assertThat(granted.body().path("caller").asText()).contains(":assumed-role/").contains("Caller");

        // Signed, but the role has no execute-api:Invoke on this route (the grant names one route).
        Answer otherRoute = signedGet("Caller", "/internal/stats");
        assertThat(otherRoute.status()).isEqualTo(403);
        assertThat(otherRoute.code()).isEqualTo("ACCESS_DENIED");
        assertThat(otherRoute.body().path("error").path("message").asText())
                .contains("is not authorized to perform: execute-api:Invoke on resource:")
                .contains("/GET/internal/stats");
        assertThat(signedGet("Stranger", "/internal/orders/o-1").status()).isEqualTo(403);

        Answer unsigned = get("/internal/orders/o-1", Map.of());
        assertThat(unsigned.status()).isEqualTo(403);
        assertThat(unsigned.code()).isEqualTo("MISSING_AUTHENTICATION_TOKEN");
        Answer forged = get("/internal/orders/o-1", Map.of("Authorization", "AWS4-HMAC-SHA256 Credential="
                + "ASIAFORGEDFORGEDFORG/20261205/eu-west-1/execute-api/aws4_request, SignedHeaders=host,"
                + " Signature=00", "X-Amz-Date", "20261205T090000Z"));
        assertThat(forged.status()).isEqualTo(403);
        assertThat(forged.code()).isEqualTo("INVALID_SIGNATURE");
    }

    @Test
    void aLambdaAuthorizerRunsWithTheRequestAndItsPolicyDecides() throws Exception {
        Answer allowed = get("/partner/orders", Map.of("Authorization", "allow-acme"));
        assertThat(allowed.status()).isEqualTo(200);
        assertThat(allowed.body().path("principalId").asText()).isEqualTo("acme");

        Answer missing = get("/partner/orders", Map.of());
        // The identity source is missing: 401 before the function runs (it would have allowed the request).
        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.code()).isEqualTo("UNAUTHORIZED");
        Answer denied = get("/partner/orders", Map.of("Authorization", "deny-acme"));
        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.code()).isEqualTo("ACCESS_DENIED");
        assertThat(denied.body().path("error").path("message").asText()).contains("explicit deny");
        assertThat(get("/partner/orders", Map.of("Authorization", "nobody")).status()).isEqualTo(401);
        Answer broken = get("/partner/orders", Map.of("Authorization", "broken"));
        assertThat(broken.status()).isEqualTo(500);
        assertThat(broken.code()).isEqualTo("AUTHORIZER_CONFIGURATION_ERROR");
    }

    @Test
    void anAuthorizersAnswerIsCachedPerIdentityForItsTtl() throws Exception {
        String first = get("/partner/orders", Map.of("Authorization", "allow-cached")).body()
                .path("authorizerRun").asText();
        String again = get("/partner/orders", Map.of("Authorization", "allow-cached")).body()
                .path("authorizerRun").asText();
        String other = get("/partner/orders", Map.of("Authorization", "allow-other")).body()
                .path("authorizerRun").asText();

        assertThat(again).isEqualTo(first); // five minutes by default: the function ran once
        assertThat(other).isNotEqualTo(first);
    }

    @Test
    void anApiKeyRouteNeedsAKeyOfTheStagesUsagePlan() throws Exception {
        Answer keyed = get("/feed", Map.of("x-api-key", keyValue));
        assertThat(keyed.status()).isEqualTo(200);
        assertThat(keyed.body().path("apiKeyId").asText()).startsWith("PartnerKey");

        Answer none = get("/feed", Map.of());
        assertThat(none.status()).isEqualTo(403);
        assertThat(none.code()).isEqualTo("INVALID_API_KEY");
        assertThat(get("/feed", Map.of("x-api-key", "not-a-key")).status()).isEqualTo(403);
    }
}
