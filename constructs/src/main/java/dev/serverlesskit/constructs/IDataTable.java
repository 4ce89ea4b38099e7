package dev.serverlesskit.constructs;

import java.util.List;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.dynamodb.ITable;
import software.constructs.IConstruct;

/** A DynamoDB table with the library's alarms: a {@link DataTable}, or an existing table imported with monitoring. */
public interface IDataTable extends IConstruct {
    /** The table, on which grants are made. */
    ITable getTable();

    /** The table's alarms: throttles, system errors. */
    List<Alarm> getAlarms();
}
