package dev.serverlesskit.constructs.examples;

import dev.serverlesskit.constructs.DeploymentPreference;
import dev.serverlesskit.constructs.JavaFunction;
import dev.serverlesskit.constructs.JavaFunctionProps;
import dev.serverlesskit.constructs.TrafficShifting;
import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.IAlarm;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.IFunction;
import software.constructs.Construct;

/** A function shifted to each new version by a 10 % canary, rolled back by its alarms and one of the app's. */
public final class GradualDeploymentExample {
    private GradualDeploymentExample() {
    }

    public static JavaFunction define(Construct scope, Code code, IAlarm checkoutFailures, IFunction smokeHook) {
        // example:start
        JavaFunction getOrder = new JavaFunction(scope, "GetOrder", JavaFunctionProps.builder()
                .handler("com.example.GetOrderHandler::handleRequest")
                .code(code)
                .reservedConcurrency(10)
                .deploymentPreference(DeploymentPreference.builder()
                        .trafficShifting(TrafficShifting.canary(10, Duration.minutes(5)))  // or allAtOnce(), linear(10, ...)
                        .alarms(List.of(checkoutFailures))          // added to the function's own
                        .preTrafficHook(smokeHook)                  // optional; also postTrafficHook
                        .build())
                .build());
        // example:end
        return getOrder;
    }
}
