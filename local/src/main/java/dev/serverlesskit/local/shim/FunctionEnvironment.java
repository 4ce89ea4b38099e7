package dev.serverlesskit.local.shim;

import java.util.Map;

/**
 * The process environment of one function. A copy of this class is defined in each function's class loader, and
 * every {@code System.getenv} call of the function's code (its handler, the AWS SDK, Powertools, everything in its
 * jar) is redirected here when the class is loaded, so each function sees exactly the environment Lambda would give
 * it, although all functions share one JVM. It must depend on nothing but {@code java.base}.
 */
public final class FunctionEnvironment {
    private static volatile Map<String, String> environment = Map.of();

    private FunctionEnvironment() {
    }

    /** Called once by the runtime (reflectively) before the handler class is loaded. */
    public static void install(Map<String, String> variables) {
        environment = Map.copyOf(variables);
    }

    public static String getenv(String name) {
        if (name == null) {
            throw new NullPointerException("name");
        }
        return environment.get(name);
    }

    public static Map<String, String> getenv() {
        return environment;
    }
}
