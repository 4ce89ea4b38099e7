package dev.serverlesskit.constructs.examples;

import dev.serverlesskit.constructs.JavaFunction;
import dev.serverlesskit.constructs.JavaFunctionProps;
import java.util.Map;
import software.amazon.awscdk.services.lambda.Code;
import software.constructs.Construct;

/** A function with the required props only; {@code code} is its jar ({@code Code.fromAsset("target/app.jar")}). */
public final class JavaFunctionExample {
    private JavaFunctionExample() {
    }

    public static JavaFunction define(Construct scope, Code code) {
        // example:start
        JavaFunction getOrder = new JavaFunction(scope, "GetOrder", JavaFunctionProps.builder()
                .handler("com.example.GetOrderHandler::handleRequest")
                .code(code)                       // Code.fromAsset("target/functions.jar")
                .reservedConcurrency(10)
                .environment(Map.of("ORDERS_TABLE", "orders"))
                .build());
        // Triggers invoke getOrder.getAlias() (the published version); grants go to its own role:
        // table.grant(getOrder, "dynamodb:GetItem")
        // example:end
        return getOrder;
    }
}
