package dev.serverlesskit.infra;

import dev.serverlesskit.constructs.DeploymentPreference;
import dev.serverlesskit.constructs.JavaFunction;
import dev.serverlesskit.constructs.JavaFunctionProps;
import dev.serverlesskit.constructs.Operations;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awscdk.services.lambda.Code;
import software.constructs.Construct;

/**
 * Makes the app's functions: the same stage settings; the code is the jar of the handler's group
 * ({@link Handlers#jarOf(String)}); handler and IAM differ.
 */
public final class FunctionFactory {
    private final Map<FunctionJars.Group, Code> code;
    private final StageConfig config;
    private final Operations operations;
    private final Map<String, String> commonEnvironment;
    private final DeploymentPreference deployment;

    /**
     * @param deployment how every function's new versions reach its alias (the stage's {@code deployment}),
     *                   or {@code null} for functions that are not deployed gradually
     */
    public FunctionFactory(Map<FunctionJars.Group, Code> code, StageConfig config, Operations operations,
                           Map<String, String> commonEnvironment, DeploymentPreference deployment) {
        this.code = Map.copyOf(code);
        this.config = config;
        this.operations = operations;
        this.commonEnvironment = Map.copyOf(commonEnvironment);
        this.deployment = deployment;
    }

    /** Props of a function running {@code handlerClass::handleRequest}. */
    public JavaFunctionProps props(String service, String handlerClass, int reservedConcurrency,
                                   Map<String, String> environment) {
        Map<String, String> env = new TreeMap<>(commonEnvironment);
        env.putAll(environment);
        return JavaFunctionProps.builder()
                .handler(handlerClass + "::handleRequest")
                .code(code(handlerClass))
                .reservedConcurrency(reservedConcurrency)
                .serviceName(service)
                .environment(env)
                .snapStart(config.snapStart())
                .logRetention(config.logRetention())
                .logRemovalPolicy(config.removalPolicy())
                .operations(operations)
                .deploymentPreference(deployment)
                .build();
    }

    private Code code(String handlerClass) {
        Code c = code.get(Handlers.jarOf(handlerClass));
        if (c == null) {
            throw new IllegalStateException("No code for the " + Handlers.jarOf(handlerClass) + " jar of " + handlerClass);
        }
        return c;
    }

    /** An API function with the stage's API concurrency. */
    public JavaFunction apiFunction(Construct scope, String id, String service, String handlerClass,
                                    Map<String, String> environment) {
        return new JavaFunction(scope, id, props(service, handlerClass, config.apiConcurrency(), environment));
    }
}
