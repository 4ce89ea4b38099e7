package dev.serverlesskit.local;

import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hosts one function as Lambda would: its handler class from its own asset jar in its own class loader
 * ({@link FunctionClassLoader}) with its own environment, initialized on first use (a cold start) and reused while
 * warm; at most {@code ReservedConcurrentExecutions} invocations at once (more are throttled, not queued); each
 * invocation limited to the function's {@code Timeout} (a timed-out environment is discarded, so the next invocation
 * is cold again). Events go in and results come out as JSON through the Lambda Java runtime's own serializers,
 * bound to the function's event classes.
 */
public final class FunctionHost implements AutoCloseable {
    /** Account-level concurrency of a default AWS account: the bound when no reserved concurrency is set. */
    static final int ACCOUNT_CONCURRENCY = 1000;
    /** The CRaC API each function's {@code org.crac} binds to, as the Lambda runtime's JVM flag names its own. */
    static final String CRAC_PACKAGE = FunctionClassLoader.SHIM_PACKAGE + "crac";

    static {
        if (System.getProperty("org.crac.Core.Compat") == null) {
            System.setProperty("org.crac.Core.Compat", CRAC_PACKAGE);
        }
    }

    /** A SnapStart runtime hook failed: Lambda's {@code SnapStartException}. */
    public static final class SnapStartException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SnapStartException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public enum Status { OK, FUNCTION_ERROR, TIMEOUT, THROTTLED }

    /** One invocation: the JSON result when OK, else the error Lambda would report. */
    public record Invocation(Status status, String payload, String errorType, String errorMessage, boolean cold,
                             long durationMs, String requestId) {
        public boolean ok() {
            return status == Status.OK;
        }
    }

    private record Instance(FunctionClassLoader loader, Object handler, Method method, PojoSerializer<Object> input,
                            PojoSerializer<Object> output, boolean takesContext, Class<?> contextType,
                            Class<?> loggerType) {
    }

    private final StageModel.Function function;
    private final String functionName;
    private final String functionArn;
    private final Map<String, String> environment;
    private final OutputStream log;
    private final Semaphore concurrency;
    private final ExecutorService executor;
    private volatile Instance instance;
    private final Object initLock = new Object();
    /** The invocations running now, by request id: what a crash ends. */
    private final Map<String, CompletableFuture<String>> inFlight = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile List<String> snapStartHazards = List.of();
    private volatile java.util.function.Consumer<String> hazardLog = line -> { };

    public FunctionHost(StageModel.Function function, String functionName, String functionArn,
                        Map<String, String> environment, OutputStream log) {
        this.function = function;
        this.functionName = functionName;
        this.functionArn = functionArn;
        this.environment = Map.copyOf(environment);
        this.log = log;
        int limit = function.reservedConcurrency() != null ? function.reservedConcurrency() : ACCOUNT_CONCURRENCY;
        this.concurrency = new Semaphore(limit);
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, function.shortName() + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public StageModel.Function function() {
        return function;
    }

    public String functionArn() {
        return functionArn;
    }

    public String functionName() {
        return functionName;
    }

    public Map<String, String> environment() {
        return environment;
    }

    public boolean warm() {
        return instance != null;
    }

    /** Invokes synchronously (RequestResponse) with a JSON event. */
    public Invocation invoke(String eventJson) {
        String requestId = UUID.randomUUID().toString();
        long started = System.nanoTime();
        if (!concurrency.tryAcquire()) {
            return new Invocation(Status.THROTTLED, null, "TooManyRequestsException",
                    "Rate Exceeded. (reserved concurrency " + function.reservedConcurrency() + " in use)", false,
                    0, requestId);
        }
        boolean cold = instance == null;
        CompletableFuture<String> outcome = new CompletableFuture<>();
        Future<?> task = null;
        try {
            long deadline = System.currentTimeMillis() + function.timeoutSeconds() * 1000L;
            task = executor.submit(() -> {
                inFlight.put(requestId, outcome);
                try {
                    outcome.complete(run(eventJson, requestId, deadline));
                } catch (Throwable t) { // ThreadDeath too: the sandbox crashed under this invocation
                    outcome.completeExceptionally(t);
                } finally {
                    inFlight.remove(requestId);
                }
            });
            String payload = outcome.get(function.timeoutSeconds(), TimeUnit.SECONDS);
            return new Invocation(Status.OK, payload, null, null, cold, elapsed(started), requestId);
        } catch (TimeoutException e) {
            task.cancel(true);
            instance = null; // Lambda discards a timed-out environment: the next invocation starts cold
            String message = String.format("Task timed out after %d.00 seconds", function.timeoutSeconds());
            write(requestId + " " + message + "\n");
            return new Invocation(Status.TIMEOUT, null, "Sandbox.Timedout", message, cold, elapsed(started),
                    requestId);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SandboxCrashed) {
                // what Lambda reports when the runtime process dies during an invocation
                String message = "RequestId: " + requestId + " Error: Runtime exited with error: signal: killed";
                write(message + "\nRuntime.ExitError\n");
                return new Invocation(Status.FUNCTION_ERROR, null, "Runtime.ExitError", message, cold,
                        elapsed(started), requestId);
            }
            Throwable cause = e.getCause() instanceof InvocationTargetException ite ? ite.getCause() : e.getCause();
            StringWriter trace = new StringWriter();
            cause.printStackTrace(new PrintWriter(trace));
            write(trace.toString());
            return new Invocation(Status.FUNCTION_ERROR, null, cause instanceof SnapStartException
                    ? "SnapStartException" : cause.getClass().getName(),
                    String.valueOf(cause.getMessage()), cold, elapsed(started), requestId);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Invocation(Status.FUNCTION_ERROR, null, "Interrupted", "runtime stopping", cold,
                    elapsed(started), requestId);
        } finally {
            concurrency.release();
        }
    }

    /** Ends the invocations a crashed sandbox was serving. */
    private static final class SandboxCrashed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SandboxCrashed() {
            super("Runtime exited with error: signal: killed", null, false, false);
        }
    }

    /**
     * The environment's process dies (fault injection: {@code CRASH}): every invocation it is serving ends with
     * Lambda's {@code Runtime.ExitError} (an API request gets a 502, a queue batch is not deleted and returns after
     * its visibility timeout), and the next invocation gets a fresh environment (init again). Every thread of the
     * environment (those whose context class loader is its class loader: the invocations' and the handler's own,
     * such as its executors and its SDK clients') is stopped, as the process's threads would be, so a crashed
     * invocation makes no further call. On JDK 20+, which has no {@code Thread.stop}, they are interrupted instead.
     *
     * @return how many invocations were in flight
     */
    public int crash() {
        Instance in;
        synchronized (initLock) {
            in = instance;
            instance = null;
        }
        int ended = 0;
        for (CompletableFuture<String> f : inFlight.values()) {
            if (f.completeExceptionally(new SandboxCrashed())) {
                ended++;
            }
        }
        if (in != null) {
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t != Thread.currentThread() && t.getContextClassLoader() == in.loader()) {
                    stop(t);
                }
            }
        }
        write("Sandbox crashed (fault injection): " + ended + " invocation(s) ended with Runtime.ExitError\n");
        return ended;
    }

    @SuppressWarnings("removal")
    private static void stop(Thread t) {
        try {
            Thread.class.getMethod("stop").invoke(t);
        } catch (ReflectiveOperationException | UnsupportedOperationException e) {
            t.interrupt(); // JDK 20+: Thread.stop is unsupported
        }
    }

    private static long elapsed(long started) {
        return (System.nanoTime() - started) / 1_000_000;
    }

    private void write(String text) {
        try {
            log.write(text.getBytes(StandardCharsets.UTF_8));
            log.flush();
        } catch (java.io.IOException ignored) {
            // logging must not fail an invocation
        }
    }

    private String run(String eventJson, String requestId, long deadline) throws Exception {
        FunctionOutput.route(log);
        try {
            Instance in = initialized();
            Thread.currentThread().setContextClassLoader(in.loader());
            Object event = in.input() == null ? null : in.input().fromJson(eventJson);
            Object result;
            if (in.takesContext()) {
                result = in.method().invoke(in.handler(), event, context(in, requestId, deadline));
            } else {
                result = in.method().invoke(in.handler(), event);
            }
            if (result == null || in.output() == null) {
                return "null";
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.output().toJson(result, out);
            return out.toString(StandardCharsets.UTF_8);
        } finally {
            FunctionOutput.route(null);
            // an idle pooled thread must not look like a thread of the environment (crash() stops those)
            Thread.currentThread().setContextClassLoader(FunctionHost.class.getClassLoader());
        }
    }

    private Instance initialized() throws Exception {
        Instance in = instance;
        if (in != null) {
            return in;
        }
        synchronized (initLock) {
            if (instance == null) {
                instance = init();
            }
            return instance;
        }
    }

    /** Lambda's init phase: load the class (static initializers) and construct the handler. */
    @SuppressWarnings("unchecked")
    private Instance init() throws Exception {
        FunctionClassLoader loader = new FunctionClassLoader(functionName, function.codeJar());
        loader.installEnvironment(environment);
        Thread.currentThread().setContextClassLoader(loader);
        Class<?> handlerClass = Class.forName(function.handlerClass(), true, loader);
        Method method = null;
        for (Method m : handlerClass.getMethods()) {
            if (m.getName().equals(function.handlerMethod()) && !m.isBridge() && !Modifier.isStatic(m.getModifiers())
                    && m.getParameterCount() >= 1 && m.getParameterCount() <= 2) {
                method = m;
            }
        }
        if (method == null) {
            throw new IllegalStateException("No public method " + function.handlerMethod() + " on "
                    + function.handlerClass());
        }
        Object handler = handlerClass.getDeclaredConstructor().newInstance();
        if (function.snapStart()) {
            checkUniqueness(handler);
            snapshotAndRestore(loader);
        }
        Class<?> inputType = method.getParameterTypes()[0];
        Class<?> outputType = method.getReturnType();
        Class<?> contextType = loader.loadClass("com.amazonaws.services.lambda.runtime.Context");
        Class<?> loggerType = loader.loadClass("com.amazonaws.services.lambda.runtime.LambdaLogger");
        return new Instance(loader, handler, method, (PojoSerializer<Object>) serializer(inputType, loader),
                outputType == void.class ? null : (PojoSerializer<Object>) serializer(outputType, loader),
                method.getParameterCount() == 2, contextType, loggerType);
    }

    /**
     * SnapStart's lifecycle after init, in the Lambda runtime's order: the {@code beforeCheckpoint} hooks (priming),
     * the snapshot, then on restore the {@code afterRestore} hooks, before the first invocation. Both run on the
     * function's global CRaC context (itself a resource), in the function's class loader. The snapshot itself is
     * not emulated: the environment that ran init also serves the invocations.
     */
    private void snapshotAndRestore(FunctionClassLoader loader) throws Exception {
        Class<?> core = Class.forName(CRAC_PACKAGE + ".Core", true, loader);
        Class<?> context = Class.forName(CRAC_PACKAGE + ".Context", true, loader);
        Object global = core.getMethod("getGlobalContext").invoke(null);
        int hooks = (int) core.getMethod("registered").invoke(null);
        long t0 = System.nanoTime();
        try {
            context.getMethod("beforeCheckpoint", context).invoke(global, (Object) null);
        } catch (InvocationTargetException e) {
            throw new SnapStartException("a beforeCheckpoint hook failed, so no snapshot could be taken (on AWS,"
                    + " publishing the version fails): " + suppressed(e.getCause()), e.getCause());
        }
        long t1 = System.nanoTime();
        try {
            context.getMethod("afterRestore", context).invoke(global, (Object) null);
        } catch (InvocationTargetException e) {
            throw new SnapStartException("the afterRestore() runtime hook encountered an error: "
                    + suppressed(e.getCause()), e.getCause());
        }
        write(String.format("SnapStart: %d CRaC resource(s); beforeCheckpoint %d ms, snapshot, afterRestore %d ms%n",
                hooks, (t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000));
    }

    /**
     * Builds the handler a second time, in a class loader of its own, and compares what the two inits produced
     * ({@link SnapStartCheck}): anything that differs would be shared by every environment restored from the
     * snapshot. Each finding is a line of the function's log and of {@link #snapStartHazards()}.
     */
    private void checkUniqueness(Object handler) throws Exception {
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        try (FunctionClassLoader second = new FunctionClassLoader(functionName + "#uniqueness-check",
                function.codeJar())) {
            second.installEnvironment(environment);
            Thread.currentThread().setContextClassLoader(second);
            Object other = Class.forName(function.handlerClass(), true, second).getDeclaredConstructor().newInstance();
            List<String> found = SnapStartCheck.hazards(handler, other);
            snapStartHazards = List.copyOf(found);
            for (String h : found) {
                write("SnapStart hazard: " + h + "\n");
                hazardLog.accept(String.format("%-40s %-22s %4s %s", "SnapStart check", function.shortName(),
                        "WARN", h));
            }
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    /** Where the SnapStart check's findings are reported besides the function's log (the runtime's log). */
    public void reportSnapStartHazardsTo(java.util.function.Consumer<String> log) {
        this.hazardLog = log;
    }

    /** What the SnapStart check found in this function's init (empty when nothing, or when it has no SnapStart). */
    public List<String> snapStartHazards() {
        return snapStartHazards;
    }

    private static String suppressed(Throwable t) {
        Throwable[] s = t.getSuppressed();
        return s.length == 0 ? String.valueOf(t) : java.util.Arrays.stream(s).map(String::valueOf)
                .collect(java.util.stream.Collectors.joining("; "));
    }

    /**
     * As the Lambda Java runtime: its event serializers for the events library, plain Jackson otherwise. Its event
     * serializer loads Joda-Time from the function's jar for every event class, so a jar without it fails on Lambda
     * too (aws/aws-lambda-java-libs#72): say so instead of a bare ClassNotFoundException.
     */
    private static PojoSerializer<?> serializer(Class<?> type, ClassLoader loader) {
        if (LambdaEventSerializers.isLambdaSupportedEvent(type.getName())) {
            try {
                return LambdaEventSerializers.serializerFor(type, loader);
            } catch (RuntimeException e) {
                if (String.valueOf(e.getMessage()).contains("org.joda.time")) {
                    throw new IllegalStateException("The function jar lacks joda-time (org.joda.time.DateTime), which"
                            + " the Lambda Java runtime's serializer loads for " + type.getSimpleName()
                            + ": this function would fail the same way on AWS (aws/aws-lambda-java-libs#72)."
                            + " Keep joda-time in the jar (do not exclude it from aws-lambda-java-events)", e);
                }
                throw e;
            }
        }
        return JacksonFactory.getInstance().getSerializer(type);
    }

    private Object context(Instance in, String requestId, long deadline) {
        Object logger = Proxy.newProxyInstance(in.loader(), new Class<?>[] {in.loggerType()}, (proxy, m, args) -> {
            if (m.getName().equals("log") && args != null && args.length >= 1) {
                Object msg = args[0];
                write(msg instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(msg));
                return null;
            }
            return defaults(proxy, m, args);
        });
        InvocationHandler h = (proxy, m, args) -> switch (m.getName()) {
            case "getAwsRequestId" -> requestId;
            case "getLogGroupName" -> "/aws/lambda/" + functionName;
            case "getLogStreamName" -> "local/[$LATEST]" + Integer.toHexString(System.identityHashCode(in));
            case "getFunctionName" -> functionName;
            case "getFunctionVersion" -> "$LATEST";
            case "getInvokedFunctionArn" -> functionArn;
            case "getRemainingTimeInMillis" -> (int) Math.max(0, deadline - System.currentTimeMillis());
            case "getMemoryLimitInMB" -> function.memoryMb();
            case "getLogger" -> logger;
            case "getIdentity", "getClientContext" -> null;
            default -> defaults(proxy, m, args);
        };
        return Proxy.newProxyInstance(in.loader(), new Class<?>[] {in.contextType()}, h);
    }

    private static Object defaults(Object proxy, Method m, Object[] args) throws Throwable {
        if (m.isDefault()) {
            return InvocationHandler.invokeDefault(proxy, m, args);
        }
        return switch (m.getName()) {
            case "toString" -> "LocalLambdaContext";
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            default -> null;
        };
    }

    @Override
    public void close() {
        executor.shutdownNow();
        Instance in = instance;
        instance = null;
        if (in != null) {
            try {
                in.loader().close();
            } catch (java.io.IOException ignored) {
                // closing anyway
            }
        }
        try {
            log.close();
        } catch (java.io.IOException ignored) {
            // closing anyway
        }
    }
}
