package dev.serverlesskit.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.serverlesskit.local.gateway.HttpMessage;
import dev.serverlesskit.local.gateway.LoopbackServer;
import dev.serverlesskit.local.iam.Access;
import dev.serverlesskit.local.iam.Decision;
import dev.serverlesskit.local.iam.Sessions;
import dev.serverlesskit.local.iam.SigV4;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What a deployment's pre-traffic hook calls, on one loopback port: Lambda's {@code Invoke} (of a function or one of
 * its versions, run by its {@link FunctionHost}) and CodeDeploy's {@code GetDeployment} and
 * {@code PutLifecycleEventHookExecutionStatus} (for the deployments {@link #startDeployment} registers). Each call is
 * signed (SigV4) and checked against the caller's role like every other call of a local function.
 */
public final class DeploymentEndpoint implements AutoCloseable {
    private static final String INVOKE_PREFIX = "/2015-03-31/functions/";

    /** A deployment of one function's alias, with what its hook reported. */
    public record Deployment(String id, String applicationName, String deploymentGroupName, String groupArn) {
    }

    private final SigV4 lambdaSignatures;
    private final SigV4 codeDeploySignatures;
    private final Access access;
    private final Function<String, FunctionHost> functionByName;
    private final Consumer<String> log;
    private final LoopbackServer server;
    private final Map<String, Deployment> deployments = new ConcurrentHashMap<>();
    private final Map<String, String> hookStatuses = new ConcurrentHashMap<>();

    /**
     * @param functionByName the function a name or unqualified ARN names, or null
     */
    public DeploymentEndpoint(Sessions sessions, String region, Access access,
                              Function<String, FunctionHost> functionByName, Consumer<String> log) throws IOException {
        this.lambdaSignatures = new SigV4(sessions, region, "lambda");
        this.codeDeploySignatures = new SigV4(sessions, region, "codedeploy");
        this.access = access;
        this.functionByName = functionByName;
        this.log = log;
        this.server = new LoopbackServer("deployment-endpoint", "deployment endpoint", () -> this::handle, log);
    }

    /** What functions get as {@code AWS_ENDPOINT_URL_LAMBDA} and {@code AWS_ENDPOINT_URL_CODEDEPLOY}. */
    public String endpoint() {
        return server.endpoint();
    }

    /** Registers a deployment, as CodeDeploy does when CloudFormation hands it an alias update. */
    public Deployment startDeployment(String applicationName, String deploymentGroupName, String groupArn) {
        String id = "d-LOCAL" + Long.toString(System.nanoTime(), 36).toUpperCase(java.util.Locale.ROOT);
        Deployment d = new Deployment(id, applicationName, deploymentGroupName, groupArn);
        deployments.put(id, d);
        return d;
    }

    /** What the hook reported for a lifecycle event execution ({@code Succeeded}, {@code Failed}), or null. */
    public String hookStatus(String lifecycleEventHookExecutionId) {
        return hookStatuses.get(lifecycleEventHookExecutionId);
    }

    private HttpMessage handle(HttpMessage request) {
        String target = request.first("x-amz-target");
        if (target != null && target.startsWith("CodeDeploy_20141006.")) {
            return codeDeploy(request, target.substring("CodeDeploy_20141006.".length()));
        }
        if ("POST".equals(request.method()) && request.rawPath().startsWith(INVOKE_PREFIX)
                && request.rawPath().endsWith("/invocations")) {
            return invoke(request);
        }
        return json(404, "application/json", Map.of("message", "not emulated: " + request.method() + " "
                + request.rawPath()), null);
    }

    private HttpMessage invoke(HttpMessage request) {
        SigV4.Result signed = lambdaSignatures.verify(request.method(), request.rawPath(), request.rawQuery(),
                request::header, request.body(), Instant.now());
        if (!signed.ok()) {
            return lambdaError(403, "UnrecognizedClientException", signed.message());
        }
        String name = URLDecoder.decode(request.rawPath().substring(INVOKE_PREFIX.length(),
                request.rawPath().length() - "/invocations".length()), StandardCharsets.UTF_8);
        String qualifier = query(request.rawQuery(), "Qualifier");
        // a qualified ARN (arn:...:function:name:qualifier) or name:qualifier
        String unqualified = name;
        String[] parts = name.split(":");
        if (name.startsWith("arn:") && parts.length == 8) {
            qualifier = parts[7];
            unqualified = String.join(":", List.of(parts).subList(0, 7));
        } else if (!name.startsWith("arn:") && parts.length == 2) {
            qualifier = parts[1];
            unqualified = parts[0];
        }
        FunctionHost host = functionByName.apply(unqualified);
        if (host == null) {
            return lambdaError(404, "ResourceNotFoundException", "Function not found: " + name);
        }
        String resource = host.functionArn() + (qualifier == null ? "" : ":" + qualifier);
        Decision d = access.check(signed.session(), "lambda:InvokeFunction", resource, "lambda Invoke",
                "lambda:InvokeFunction");
        if (!d.allowed()) {
            String message = d.message(signed.session().principal(), "lambda:InvokeFunction", resource);
            log.accept("IAM lambda Invoke " + signed.session().name() + " DENY AccessDeniedException: " + message);
            return lambdaError(403, "AccessDeniedException", message);
        }
        FunctionHost.Invocation result = host.invoke(new String(request.body(), StandardCharsets.UTF_8));
        if (result.status() == FunctionHost.Status.THROTTLED) {
            return lambdaError(429, "TooManyRequestsException", "Rate Exceeded.");
        }
        List<String[]> headers = new java.util.ArrayList<>();
        headers.add(new String[] {"Content-Type", "application/json"});
        headers.add(new String[] {"X-Amz-Executed-Version", qualifier == null ? "$LATEST" : qualifier});
        if (!result.ok()) {
            headers.add(new String[] {"X-Amz-Function-Error", "Unhandled"});
        }
        byte[] body = (result.payload() == null ? "null" : result.payload()).getBytes(StandardCharsets.UTF_8);
        headers.add(new String[] {"Content-Length", Integer.toString(body.length)});
        return HttpMessage.response(200, "OK", headers, body);
    }

    private HttpMessage codeDeploy(HttpMessage request, String operation) {
        SigV4.Result signed = codeDeploySignatures.verify(request.method(), request.rawPath(), request.rawQuery(),
                request::header, request.body(), Instant.now());
        if (!signed.ok()) {
            return codeDeployError("UnrecognizedClientException", signed.message());
        }
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(request.body());
        } catch (IOException e) {
            return codeDeployError("SerializationException", e.getMessage());
        }
        Deployment d = deployments.get(body.path("deploymentId").asText());
        if (d == null) {
            return codeDeployError("DeploymentDoesNotExistException", "The deployment "
                    + body.path("deploymentId").asText() + " could not be found.");
        }
        String action = "codedeploy:" + operation;
        Decision decision = access.check(signed.session(), action, d.groupArn(), "codedeploy " + operation, action);
        if (!decision.allowed()) {
            String message = decision.message(signed.session().principal(), action, d.groupArn());
            log.accept("IAM codedeploy " + operation + " " + signed.session().name() + " DENY " + message);
            return codeDeployError("AccessDeniedException", message);
        }
        ObjectNode answer = Json.MAPPER.createObjectNode();
        switch (operation) {
            case "GetDeployment" -> answer.putObject("deploymentInfo").put("deploymentId", d.id())
                    .put("applicationName", d.applicationName()).put("deploymentGroupName", d.deploymentGroupName())
                    .put("status", "InProgress").put("computePlatform", "Lambda");
            case "PutLifecycleEventHookExecutionStatus" -> {
                String execution = body.path("lifecycleEventHookExecutionId").asText();
                hookStatuses.put(execution, body.path("status").asText());
                log.accept("codedeploy " + d.id() + " (" + d.deploymentGroupName() + "): hook reported "
                        + body.path("status").asText());
                answer.put("lifecycleEventHookExecutionId", execution);
            }
            default -> {
                return codeDeployError("UnknownOperationException", operation + " is not emulated locally");
            }
        }
        return json(200, "application/x-amz-json-1.1", answer, null);
    }

    private static String query(String rawQuery, String name) {
        if (rawQuery == null) {
            return null;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static HttpMessage lambdaError(int status, String type, String message) {
        return json(status, "application/json", Map.of("Type", "User", "message", message), type);
    }

    private static HttpMessage codeDeployError(String type, String message) {
        return json(400, "application/x-amz-json-1.1", Map.of("__type", type, "message", message), null);
    }

    private static HttpMessage json(int status, String contentType, Object body, String errorType) {
        List<String[]> headers = new java.util.ArrayList<>();
        headers.add(new String[] {"Content-Type", contentType});
        if (errorType != null) {
            headers.add(new String[] {"x-amzn-ErrorType", errorType});
        }
        try {
            byte[] bytes = Json.MAPPER.writeValueAsBytes(body);
            headers.add(new String[] {"Content-Length", Integer.toString(bytes.length)});
            return HttpMessage.response(status, status == 200 ? "OK" : "Error", headers, bytes);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
