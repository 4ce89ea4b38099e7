package dev.serverlesskit.test.e2e;

import dev.serverlesskit.local.LocalRuntime;
import dev.serverlesskit.local.iam.AccessLog;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * Ties the runtime's IAM decisions to the end-to-end test that caused them: each test labels the calls made while it
 * runs (the least-privilege report names the test that needs each grant), and a test during which the runtime refused
 * a call fails with the AccessDenied message, even when the handler swallowed the error (as SnapStart priming does).
 */
final class IamWatch implements BeforeEachCallback, AfterEachCallback, TestExecutionExceptionHandler {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(IamWatch.class);

    /** A test class whose runtime is watched. */
    interface Watched {
        LocalRuntime runtime();
    }

    private static LocalRuntime runtime(ExtensionContext context) {
        return ((Watched) context.getRequiredTestInstance()).runtime();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        LocalRuntime runtime = runtime(context);
        runtime.accessLog().label(label(context));
        context.getStore(NS).put("refusals", runtime.accessLog().refusals().size());
    }

    static String label(ExtensionContext context) {
        return context.getRequiredTestClass().getSimpleName() + "." + context.getRequiredTestMethod().getName();
    }

    private static List<AccessLog.Call> refusedDuring(ExtensionContext context) {
        List<AccessLog.Call> all = runtime(context).accessLog().refusals();
        Integer before = context.getStore(NS).get("refusals", Integer.class);
        return all.subList(before == null ? 0 : Math.min(before, all.size()), all.size());
    }

    private static String describe(List<AccessLog.Call> refused) {
        return refused.stream().map(c -> "  AccessDeniedException (" + c.via() + "): " + c.message())
                .collect(Collectors.joining("\n"));
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        List<AccessLog.Call> refused = refusedDuring(context);
        if (refused.isEmpty()) {
            throw failure;
        }
        AssertionError e = new AssertionError(failure.getMessage() + "\nIAM refused calls during this test:\n"
                + describe(refused), failure);
        context.getStore(NS).put("reported", true);
        throw e;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        List<AccessLog.Call> refused = refusedDuring(context);
        runtime(context).accessLog().label("between tests");
        if (!refused.isEmpty() && context.getStore(NS).get("reported") == null) {
            throw new AssertionError("IAM refused calls during this test (the app lacks a grant it uses):\n"
                    + describe(refused));
        }
    }
}
