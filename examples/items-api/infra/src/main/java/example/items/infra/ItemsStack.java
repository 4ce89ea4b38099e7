package example.items.infra;

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
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.lambda.Code;
import software.constructs.Construct;

/**
 * The items API of aws-cdk-examples' {@code api-cors-lambda-crud-dynamodb}, on the Serverless Kit constructs: the
 * same routes, table and CORS, with reads public and writes for signed-in users, and each function allowed only the
 * one DynamoDB action it calls (the original grants read-write data to all five).
 */
public class ItemsStack extends Stack {
    /** The browser app allowed to call the API (CORS). */
    static final String APP_ORIGIN = "https://items.example.com";

    private final DataTable items;

    public ItemsStack(Construct scope, String id, StackProps props, Code code) {
        super(scope, id, props);
        Operations operations = new Operations(this, "Operations", OperationsProps.builder().build());
        UserDirectory users = new UserDirectory(this, "Users", UserDirectoryProps.builder().operations(operations).build());
        items = new DataTable(this, "Items", DataTableProps.builder()
                .partitionKey(Attribute.builder().name("itemId").type(AttributeType.STRING).build())
                .operations(operations)
                .build());
        ServerlessApi api = new ServerlessApi(this, "Api", ServerlessApiProps.builder()
                .userDirectory(users)
                .corsAllowOrigins(List.of(APP_ORIGIN))
                .operations(operations)
                .build());

        RouteAccess read = RouteAccess.publicAccess("the item catalog is public, read-only");
        api.addRoute("GET", "/items", function("ListItems", "list", "dynamodb:Scan", code, operations).getAlias(), read);
        api.addRoute("GET", "/items/{id}", function("GetItem", "get", "dynamodb:GetItem", code, operations).getAlias(), read);
        api.addRoute("POST", "/items", function("CreateItem", "create", "dynamodb:PutItem", code, operations).getAlias(),
                RouteAccess.authenticated());
        api.addRoute("PATCH", "/items/{id}", function("UpdateItem", "update", "dynamodb:UpdateItem", code, operations)
                .getAlias(), RouteAccess.authenticated());
        api.addRoute("DELETE", "/items/{id}", function("DeleteItem", "delete", "dynamodb:DeleteItem", code, operations)
                .getAlias(), RouteAccess.authenticated());

        CfnOutput.Builder.create(this, "ApiUrl").value(api.getUrl()).build();
    }

    /** A function for one {@code ItemsHandler} method, allowed the one table action it calls. */
    private JavaFunction function(String id, String method, String action, Code code, Operations operations) {
        JavaFunction function = new JavaFunction(this, id, JavaFunctionProps.builder()
                .handler("example.items.ItemsHandler::" + method)
                .code(code)
                .reservedConcurrency(10)
                .environment(Map.of("TABLE_NAME", items.getTable().getTableName(), "CORS_ALLOW_ORIGINS", APP_ORIGIN))
                .operations(operations)
                .build());
        items.getTable().grant(function, action);
        return function;
    }

    public DataTable getItems() {
        return items;
    }
}
