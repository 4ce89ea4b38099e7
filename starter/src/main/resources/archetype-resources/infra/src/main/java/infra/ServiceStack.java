package ${package}.infra;

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
import java.util.Map;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.lambda.Code;
import software.constructs.Construct;

/**
 * The service: {@code GET /items/{id}} for signed-in users, served by one function that reads one table. Alarms go to
 * the {@link Operations} topic; subscribe to it ({@code OperationsProps.alarmEmails}) to be told.
 */
public class ServiceStack extends Stack {
    private final DataTable items;
    private final JavaFunction getItem;
    private final ServerlessApi api;

    public ServiceStack(Construct scope, String id, StackProps props, Code functionCode) {
        super(scope, id, props);
        Operations operations = new Operations(this, "Operations", OperationsProps.builder().build());
        UserDirectory users = new UserDirectory(this, "Users", UserDirectoryProps.builder()
                .operations(operations)
                .build());

        items = new DataTable(this, "Items", DataTableProps.builder()
                .partitionKey(Attribute.builder().name("id").type(AttributeType.STRING).build())
                .operations(operations)
                .build());

        getItem = new JavaFunction(this, "GetItem", JavaFunctionProps.builder()
                .handler("${package}.function.GetItemHandler::handleRequest")
                .code(functionCode)
                .reservedConcurrency(10)
                .environment(Map.of("ITEMS_TABLE", items.getTable().getTableName()))
                .operations(operations)
                .build());
        // Only what the handler calls.
        items.getTable().grant(getItem, "dynamodb:GetItem");

        api = new ServerlessApi(this, "Api", ServerlessApiProps.builder()
                .userDirectory(users)
                .operations(operations)
                .build());
        api.addRoute("GET", "/items/{id}", getItem.getAlias(), RouteAccess.authenticated());

        CfnOutput.Builder.create(this, "ApiUrl").value(api.getUrl()).build();
        CfnOutput.Builder.create(this, "UserPoolId").value(users.getUserPool().getUserPoolId()).build();
        CfnOutput.Builder.create(this, "UserPoolClientId").value(users.getUserPoolClient().getUserPoolClientId()).build();
    }

    public DataTable getItems() {
        return items;
    }

    public JavaFunction getGetItem() {
        return getItem;
    }

    public ServerlessApi getApi() {
        return api;
    }
}
