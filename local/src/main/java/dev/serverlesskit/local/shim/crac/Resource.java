package dev.serverlesskit.local.shim.crac;

/**
 * The CRaC API as the Lambda Java runtime provides it to {@code org.crac} (the runtime starts the JVM with
 * {@code -Dorg.crac.Core.Compat=<its package>}). A copy of this package is defined in each function's class loader,
 * like {@code FunctionEnvironment}, and depends on nothing but {@code java.base}.
 */
public interface Resource {
    void beforeCheckpoint(Context<? extends Resource> context) throws Exception;

    void afterRestore(Context<? extends Resource> context) throws Exception;
}
