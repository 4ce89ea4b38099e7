package dev.serverlesskit.constructs.examples;

import dev.serverlesskit.constructs.DataTable;
import dev.serverlesskit.constructs.DataTableProps;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.constructs.Construct;

/** A table with a partition and a sort key. */
public final class DataTableExample {
    private DataTableExample() {
    }

    public static DataTable define(Construct scope) {
        // example:start
        DataTable orders = new DataTable(scope, "Orders", DataTableProps.builder()
                .partitionKey(Attribute.builder().name("customerId").type(AttributeType.STRING).build())
                .sortKey(Attribute.builder().name("orderId").type(AttributeType.STRING).build())
                .build());
        // Grants and metrics through orders.getTable(): orders.getTable().grantReadData(getOrder)
        // example:end
        return orders;
    }
}
