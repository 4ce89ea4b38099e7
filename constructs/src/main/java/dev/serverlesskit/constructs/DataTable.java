package dev.serverlesskit.constructs;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.GlobalSecondaryIndexProps;
import software.amazon.awscdk.services.dynamodb.ITable;
import software.amazon.awscdk.services.dynamodb.Operation;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.SystemErrorsForOperationsMetricOptions;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.amazon.awscdk.services.dynamodb.TableProps;
import software.constructs.Construct;

/**
 * A DynamoDB table with the defaults a serverless data store wants: on-demand capacity, point-in-time
 * recovery, encryption at rest with the AWS managed KMS key, and RETAIN plus deletion protection unless the
 * caller asks otherwise.
 *
 * <p>Alarms: throttled reads and writes, and system errors (DynamoDB 5xx) on the common operations.
 *
 * <p>Grant access through the table: {@code dataTable.getTable().grantReadData(javaFunction)}.
 */
public class DataTable extends Construct implements IDataTable {
    private static final List<Operation> ALARMED_OPERATIONS = List.of(Operation.GET_ITEM, Operation.PUT_ITEM,
            Operation.UPDATE_ITEM, Operation.DELETE_ITEM, Operation.QUERY, Operation.SCAN,
            Operation.BATCH_GET_ITEM, Operation.BATCH_WRITE_ITEM);

    private final Table table;
    private final List<Alarm> alarms;

    public DataTable(Construct scope, String id, DataTableProps props) {
        super(scope, id);
        Check.required(this, "DataTableProps", props);
        TableProps extra = props.getTableProps();
        Attribute partitionKey = props.getPartitionKey() != null ? props.getPartitionKey()
                : extra != null ? extra.getPartitionKey() : null;
        Check.required(this, "DataTableProps.partitionKey", partitionKey);
        if (extra != null && props.getPartitionKey() != null) {
            Check.that(this, sameAttribute(props.getPartitionKey(), extra.getPartitionKey()),
                    "DataTableProps.tableProps.partitionKey (" + describe(extra.getPartitionKey())
                            + ") differs from DataTableProps.partitionKey (" + describe(props.getPartitionKey())
                            + "): give it once");
        }
        Map<String, Object> passed = PassThrough.setProps(extra, TableProps.class);
        checkPassThrough(passed);
        checkKey("DataTableProps.partitionKey", partitionKey);
        if (props.getSortKey() != null) {
            checkKey("DataTableProps.sortKey", props.getSortKey());
            Check.that(this, Check.isToken(partitionKey.getName()) || Check.isToken(props.getSortKey().getName())
                    || !partitionKey.getName().equals(props.getSortKey().getName()),
                    "DataTableProps.sortKey must differ from the partition key (both are '" + partitionKey.getName()
                            + "'): DynamoDB refuses a key schema naming one attribute twice");
        }
        StageProfile profile = StageProfile.of(this);
        RemovalPolicy removalPolicy = Check.removalPolicy(this, "DataTableProps.removalPolicy",
                props.getRemovalPolicy(), profile.getRemovalPolicy(), RemovalPolicy.RETAIN);
        boolean deletionProtection = Check.or(props.getDeletionProtection(), profile.getDeletionProtection(),
                removalPolicy == RemovalPolicy.RETAIN);

        Table.Builder builder = Table.Builder.create(this, "Table");
        PassThrough.copy(this, "DataTableProps.tableProps", passed, builder,
                Set.of("partitionKey", "pointInTimeRecovery", "pointInTimeRecoverySpecification"));
        this.table = builder
                .partitionKey(partitionKey)
                .sortKey(props.getSortKey())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .encryption(Check.or((TableEncryption) passed.get("encryption"), passed.containsKey("encryptionKey")
                        ? TableEncryption.CUSTOMER_MANAGED : TableEncryption.AWS_MANAGED))
                .pointInTimeRecoverySpecification(Check.or(
                        (PointInTimeRecoverySpecification) passed.get("pointInTimeRecoverySpecification"),
                        PointInTimeRecoverySpecification.builder().pointInTimeRecoveryEnabled(true).build()))
                .timeToLiveAttribute(props.getTimeToLiveAttribute())
                .removalPolicy(removalPolicy)
                .deletionProtection(deletionProtection)
                .build();
        if (props.getGlobalSecondaryIndexes() != null) {
            for (GlobalSecondaryIndexProps index : props.getGlobalSecondaryIndexes()) {
                Check.notBlank(this, "DataTableProps.globalSecondaryIndexes[].indexName", index.getIndexName());
                table.addGlobalSecondaryIndex(index);
            }
        }

        this.alarms = alarms(this, table, props.getOperations(), Check.positiveThreshold(this,
                "DataTableProps.throttleAlarmThreshold", Check.or(props.getThrottleAlarmThreshold(), 1)));
    }

    /** Props of {@code tableProps} the library sets itself, and what to use instead. */
    private static final Map<String, String> OWNED_TABLE_PROPS = Map.of(
            "sortKey", "set DataTableProps.sortKey",
            "timeToLiveAttribute", "set DataTableProps.timeToLiveAttribute",
            "removalPolicy", "set DataTableProps.removalPolicy (or the stage profile's)",
            "deletionProtection", "set DataTableProps.deletionProtection (or the stage profile's)");

    private void checkPassThrough(Map<String, Object> passed) {
        PassThrough.refuseOwned(this, "DataTableProps.tableProps", passed, OWNED_TABLE_PROPS);
        Object encryption = passed.get("encryption");
        Check.that(this, encryption == null || encryption == TableEncryption.AWS_MANAGED
                        || encryption == TableEncryption.CUSTOMER_MANAGED,
                "DataTableProps.tableProps.encryption must be AWS_MANAGED or CUSTOMER_MANAGED (got " + encryption
                        + "): the library encrypts every table with a KMS key whose use CloudTrail records");
        Check.that(this, !Boolean.FALSE.equals(passed.get("pointInTimeRecovery")),
                "DataTableProps.tableProps.pointInTimeRecovery cannot be false: every table keeps 35 days of"
                        + " point-in-time recovery");
        Object pitr = passed.get("pointInTimeRecoverySpecification");
        Check.that(this, pitr == null || Boolean.TRUE.equals(
                        ((PointInTimeRecoverySpecification) pitr).getPointInTimeRecoveryEnabled()),
                "DataTableProps.tableProps.pointInTimeRecoverySpecification must keep pointInTimeRecoveryEnabled"
                        + " true: every table keeps point-in-time recovery");
        Object billing = passed.get("billingMode");
        Check.that(this, billing == null || billing == BillingMode.PAY_PER_REQUEST,
                "DataTableProps.tableProps.billingMode must be PAY_PER_REQUEST (got " + billing + "): the library's"
                        + " tables are on-demand, which its throttle alarms and the cost model assume");
        for (String capacity : List.of("readCapacity", "writeCapacity")) {
            Check.that(this, !passed.containsKey(capacity), "DataTableProps.tableProps." + capacity
                    + " cannot be set: the library's tables are on-demand (maxReadRequestUnits and"
                    + " maxWriteRequestUnits cap them)");
        }
    }

    private static boolean sameAttribute(Attribute a, Attribute b) {
        return a.getName().equals(b.getName()) && a.getType() == b.getType();
    }

    private static String describe(Attribute a) {
        return a.getName() + " " + a.getType();
    }

    /**
     * The library's monitoring for a table it did not create (another stack's, or one imported with
     * {@code Table.fromTableName}): the same alarms as a {@link DataTable}'s (throttles at 1 event in 5 minutes,
     * system errors), notifying {@code operations}.
     *
     * @param operations where the alarms notify; null for alarms without actions
     */
    public static IDataTable fromTable(Construct scope, String id, ITable table, IOperations operations) {
        return new ImportedDataTable(scope, id, table, operations);
    }

    private static final class ImportedDataTable extends Construct implements IDataTable {
        private final ITable table;
        private final List<Alarm> alarms;

        ImportedDataTable(Construct scope, String id, ITable table, IOperations operations) {
            super(scope, id);
            this.table = Check.required(this, "DataTable.fromTable(table)", table);
            this.alarms = DataTable.alarms(this, table, operations, 1);
        }

        @Override
        public ITable getTable() {
            return table;
        }

        @Override
        public List<Alarm> getAlarms() {
            return alarms;
        }
    }

    private static List<Alarm> alarms(Construct owner, ITable table, IOperations operations, Number throttles) {
        AlarmFactory alarmFactory = new AlarmFactory(owner, operations);
        MetricOptions sumOverFiveMinutes = MetricOptions.builder()
                .period(Duration.minutes(5)).statistic("Sum").build();
        alarmFactory.atLeast("ThrottlesAlarm", MathExpression.Builder.create()
                        .expression("reads + writes")
                        .usingMetrics(new TreeMap<>(Map.of(
                                "reads", table.metric("ReadThrottleEvents", sumOverFiveMinutes),
                                "writes", table.metric("WriteThrottleEvents", sumOverFiveMinutes))))
                        .label("Throttled requests")
                        .period(Duration.minutes(5))
                        .build(),
                throttles, "DynamoDB throttled requests");
        alarmFactory.atLeast("SystemErrorsAlarm",
                table.metricSystemErrorsForOperations(SystemErrorsForOperationsMetricOptions.builder()
                        .operations(ALARMED_OPERATIONS)
                        .period(Duration.minutes(5))
                        .build()),
                1, "DynamoDB system errors (HTTP 500)");
        return alarmFactory.alarms();
    }

    /** A key attribute: a name of 1 to 255 bytes and a type. */
    private void checkKey(String prop, Attribute key) {
        Check.notBlank(this, prop + ".name", key.getName());
        Check.that(this, Check.isToken(key.getName()) || key.getName().getBytes(StandardCharsets.UTF_8).length <= 255,
                prop + ".name must be at most 255 bytes (got " + key.getName().length() + " characters)");
        Check.required(this, prop + ".type", key.getType());
    }

    /** The underlying table (escape hatch, and what grants are made on). */
    @Override
    public Table getTable() {
        return table;
    }

    /** The table's alarms: throttles, system errors. */
    @Override
    public List<Alarm> getAlarms() {
        return alarms;
    }
}
