package dev.serverlesskit.bench.coldstart;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One cold start, in the fresh JVM the harness launches with the Lambda Java runtime's flags: loads the handler
 * class from the function's jar in its own {@link URLClassLoader} (as the runtime does), constructs it (Lambda's
 * init), builds the event, invokes once and prints when each step ended (epoch millis) on one {@code RESULT} line.
 * JDK classes only: the JVM loads nothing that Lambda would not load.
 *
 * <p>Args: {@code <handler class> <event kind> <event arg> <classpath of the function (jars, ':'-separated)>
 * [prime]}. Event kinds: {@code none}, {@code sqs-click}, or {@code api:<METHOD>:<resource path>} with the event arg
 * as {@code key=value;...} (path.<name>, body, sub, groups, header.<name>). With {@code prime}, the CRaC resources the handler
 * keeps in its fields get beforeCheckpoint after init (what SnapStart does before the snapshot) and the times of the first
 * request after it are reported: a local stand-in for a restored SnapStart instance.
 */
public final class Runner {
    private Runner() {
    }

    public static void main(String[] args) throws Exception {
        long mainAt = System.currentTimeMillis();
        String handlerClass = args[0];
        String kind = args[1];
        Map<String, String> arg = parseArg(args[2]);
        List<URL> urls = new ArrayList<>();
        for (String p : args[3].split(":")) {
            urls.add(Path.of(p).toUri().toURL());
        }
        boolean prime = args.length > 4 && "prime".equals(args[4]);
        URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
        Thread.currentThread().setContextClassLoader(loader);

        Class<?> type = Class.forName(handlerClass, true, loader);
        long loadedAt = System.currentTimeMillis();
        Object handler = type.getConstructor().newInstance();
        long initAt = System.currentTimeMillis();
        long primedAt = initAt;
        if (prime) {
            // org.crac drops registrations on a JVM without CRaC, so call the Resource the handler keeps in a field
            // (as the README asks handlers to) the way the checkpoint would
            Class<?> resource = Class.forName("org.crac.Resource", true, loader);
            Method before = resource.getMethod("beforeCheckpoint", Class.forName("org.crac.Context", true, loader));
            for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
                for (java.lang.reflect.Field f : c.getDeclaredFields()) {
                    if (resource.isAssignableFrom(f.getType())) {
                        f.setAccessible(true);
                        Object r = f.get(handler);
                        if (r != null) {
                            before.invoke(r, (Object) null);
                        }
                    }
                }
            }
            primedAt = System.currentTimeMillis();
        }
        Object event = event(kind, arg, loader);
        Object context = context(loader);
        Method handle = null;
        for (Method m : type.getMethods()) {
            if (m.getName().equals("handleRequest") && !m.isBridge() && m.getParameterCount() == 2) {
                handle = m;
            }
        }
        Object result = handle.invoke(handler, event, context);
        long respondedAt = System.currentTimeMillis();
        String status = status(result);
        // after the response, so that loading java.management does not count
        long jvmStart = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
        System.out.println("RESULT jvmStart=" + jvmStart + " main=" + mainAt + " loaded=" + loadedAt + " init="
                + initAt + " primed=" + primedAt + " responded=" + respondedAt + " status=" + status);
        System.out.flush();
        Runtime.getRuntime().halt(0); // SDK and metrics threads must not delay the exit
    }

    private static Map<String, String> parseArg(String s) {
        Map<String, String> out = new HashMap<>();
        if (s == null || s.isEmpty() || s.equals("-")) {
            return out;
        }
        for (String part : s.split(";")) {
            int eq = part.indexOf('=');
            out.put(part.substring(0, eq), part.substring(eq + 1));
        }
        return out;
    }

    private static String status(Object result) throws Exception {
        if (result == null) {
            return "null";
        }
        for (String getter : List.of("getStatusCode", "getBatchItemFailures")) {
            try {
                Object v = result.getClass().getMethod(getter).invoke(result);
                return getter.equals("getStatusCode") ? String.valueOf(v)
                        : "failures:" + ((List<?>) v).size();
            } catch (NoSuchMethodException ignored) {
                // next shape
            }
        }
        return result.toString().replace(' ', '_');
    }

    private static Object event(String kind, Map<String, String> arg, ClassLoader loader) throws Exception {
        if (kind.equals("none")) {
            return null;
        }
        String events = "com.amazonaws.services.lambda.runtime.events.";
        if (kind.equals("sqs-click")) {
            Class<?> msgType = Class.forName(events + "SQSEvent$SQSMessage", true, loader);
            Object msg = msgType.getConstructor().newInstance();
            set(msg, "setMessageId", String.class, arg.getOrDefault("messageId", "m-1"));
            set(msg, "setBody", String.class, arg.get("body"));
            set(msg, "setEventSource", String.class, "aws:sqs");
            set(msg, "setAttributes", Map.class, Map.of("ApproximateReceiveCount", "1"));
            Class<?> eventType = Class.forName(events + "SQSEvent", true, loader);
            Object event = eventType.getConstructor().newInstance();
            set(event, "setRecords", List.class, List.of(msg));
            return event;
        }
        String[] api = kind.split(":", 3);
        Class<?> eventType = Class.forName(events + "APIGatewayProxyRequestEvent", true, loader);
        Object event = eventType.getConstructor().newInstance();
        set(event, "setHttpMethod", String.class, api[1]);
        set(event, "setResource", String.class, api[2]);
        Map<String, String> pathParams = new HashMap<>();
        Map<String, String> headers = new HashMap<>();
        headers.put("Content-Type", "application/json");
        String path = api[2];
        for (Map.Entry<String, String> e : arg.entrySet()) {
            if (e.getKey().startsWith("path.")) {
                String name = e.getKey().substring(5);
                pathParams.put(name, e.getValue());
                path = path.replace("{" + name + "}", e.getValue());
            } else if (e.getKey().startsWith("header.")) {
                headers.put(e.getKey().substring(7), e.getValue());
            }
        }
        set(event, "setPath", String.class, path);
        set(event, "setPathParameters", Map.class, pathParams.isEmpty() ? null : pathParams);
        set(event, "setHeaders", Map.class, headers);
        set(event, "setBody", String.class, arg.get("body"));
        Class<?> ctxType = Class.forName(events + "APIGatewayProxyRequestEvent$ProxyRequestContext", true, loader);
        Object ctx = ctxType.getConstructor().newInstance();
        set(ctx, "setRequestId", String.class, "bench-request");
        set(ctx, "setStage", String.class, "dev");
        if (arg.containsKey("sub")) {
            Map<String, Object> claims = new HashMap<>();
            claims.put("sub", arg.get("sub"));
            if (arg.containsKey("groups")) {
                claims.put("cognito:groups", arg.get("groups"));
            }
            set(ctx, "setAuthorizer", Map.class, Map.of("claims", claims));
        }
        set(event, "setRequestContext", ctxType, ctx);
        return event;
    }

    private static void set(Object target, String setter, Class<?> type, Object value) throws Exception {
        target.getClass().getMethod(setter, type).invoke(target, value);
    }

    /** A Lambda Context of the function's own aws-lambda-java-core (interfaces from its class loader). */
    private static Object context(ClassLoader loader) throws Exception {
        Class<?> contextType = Class.forName("com.amazonaws.services.lambda.runtime.Context", true, loader);
        Class<?> loggerType = Class.forName("com.amazonaws.services.lambda.runtime.LambdaLogger", true, loader);
        Object logger = Proxy.newProxyInstance(loader, new Class<?>[] {loggerType}, (p, m, a) -> {
            if (m.getName().equals("log") && a != null && a.length >= 1) {
                System.err.println(a[0] instanceof byte[] b ? new String(b) : String.valueOf(a[0]));
            }
            return null;
        });
        String fn = System.getenv().getOrDefault("AWS_LAMBDA_FUNCTION_NAME", "bench");
        InvocationHandler h = (p, m, a) -> switch (m.getName()) {
            case "getAwsRequestId" -> "bench-" + ProcessHandle.current().pid();
            case "getFunctionName" -> fn;
            case "getFunctionVersion" -> "$LATEST";
            case "getInvokedFunctionArn" -> "arn:aws:lambda:eu-west-1:000000000000:function:" + fn;
            case "getLogGroupName" -> "/aws/lambda/" + fn;
            case "getLogStreamName" -> "local";
            case "getRemainingTimeInMillis" -> 30_000;
            case "getMemoryLimitInMB" -> 512;
            case "getLogger" -> logger;
            case "toString" -> "BenchContext";
            case "hashCode" -> 0;
            case "equals" -> p == a[0];
            default -> null;
        };
        return Proxy.newProxyInstance(loader, new Class<?>[] {contextType}, h);
    }
}
