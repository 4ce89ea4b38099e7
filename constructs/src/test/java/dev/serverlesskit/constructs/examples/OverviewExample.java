package dev.serverlesskit.constructs.examples;

import dev.serverlesskit.constructs.DataTable;
import dev.serverlesskit.constructs.DataTableProps;
import dev.serverlesskit.constructs.JavaFunction;
import dev.serverlesskit.constructs.JavaFunctionProps;
import dev.serverlesskit.constructs.Operations;
import dev.serverlesskit.constructs.OperationsProps;
import dev.serverlesskit.constructs.RouteAccess;
import dev.serverlesskit.constructs.ServerlessApi;
import dev.serverlesskit.constructs.ServerlessApiProps;
import dev.serverlesskit.constructs.UserDirectory;
import dev.serverlesskit.constructs.UserDirectoryProps;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.lambda.Code;
import software.constructs.Construct;

/** The constructs together: an orders API with signed-in and admin routes, its table, alarms to one hub. */
public final class OverviewExample extends Stack {
    public OverviewExample(Construct scope, String id, Code code) {
        super(scope, id);
        // example:start
        Operations ops = new Operations(this, "Operations", OperationsProps.builder()
                .alarmEmails(List.of("oncall@example.com")).build());
        UserDirectory users = new UserDirectory(this, "Users", UserDirectoryProps.builder()
                .groups(List.of("admins")).operations(ops).build());
        DataTable orders = new DataTable(this, "Orders", DataTableProps.builder()
                .partitionKey(Attribute.builder().name("orderId").type(AttributeType.STRING).build())
                .operations(ops).build());
        JavaFunction getOrder = new JavaFunction(this, "GetOrder", JavaFunctionProps.builder()
                .handler("com.example.GetOrderHandler::handleRequest")
                .code(code)                                   // Code.fromAsset("functions/target/functions.jar")
                .reservedConcurrency(10)
                .environment(Map.of("ORDERS_TABLE", orders.getTable().getTableName()))
                .operations(ops).build());
        orders.getTable().grant(getOrder, "dynamodb:GetItem");
        JavaFunction deleteOrder = new JavaFunction(this, "DeleteOrder", JavaFunctionProps.builder()
                .handler("com.example.DeleteOrderHandler::handleRequest")
                .code(code).reservedConcurrency(2)
                .environment(Map.of("ORDERS_TABLE", orders.getTable().getTableName()))
                .operations(ops).build());
        orders.getTable().grant(deleteOrder, "dynamodb:DeleteItem");

        ServerlessApi api = new ServerlessApi(this, "Api", ServerlessApiProps.builder()
                .userDirectory(users).operations(ops).build());
        api.addRoute("GET", "/orders/{orderId}", getOrder, RouteAccess.authenticated());
        api.addRoute("DELETE", "/orders/{orderId}", deleteOrder, RouteAccess.groups(users.group("admins")));
        api.addRoute("GET", "/health", getOrder, RouteAccess.publicAccess("load balancer health probe"));
        // example:end
    }
}
