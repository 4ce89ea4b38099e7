package dev.serverlesskit.constructs.examples;

import dev.serverlesskit.constructs.JavaFunction;
import dev.serverlesskit.constructs.RouteAccess;
import dev.serverlesskit.constructs.ServerlessApi;
import dev.serverlesskit.constructs.ServerlessApiProps;
import software.constructs.Construct;

/** An API with one public route to a function ({@link JavaFunctionExample}'s). */
public final class ServerlessApiExample {
    private ServerlessApiExample() {
    }

    public static ServerlessApi define(Construct scope, JavaFunction getOrder) {
        // example:start
        ServerlessApi api = new ServerlessApi(scope, "Api", ServerlessApiProps.builder().build());
        api.addRoute("GET", "/orders/{orderId}", getOrder, RouteAccess.publicAccess("order pages are public"));
        // Signed-in routes need .userDirectory(users): RouteAccess.authenticated(), RouteAccess.groups(...);
        // service-to-service: RouteAccess.iam() and api.grantInvoke(caller, "GET", "/orders/{orderId}")
        // example:end
        return api;
    }
}
