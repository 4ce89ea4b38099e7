package dev.serverlesskit.constructs;

import java.util.List;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.GlobalSecondaryIndexProps;
import software.amazon.awscdk.services.dynamodb.TableProps;

/** Properties of {@link DataTable}. */
public final class DataTableProps {
    private final Attribute partitionKey;
    private final Attribute sortKey;
    private final String timeToLiveAttribute;
    private final List<GlobalSecondaryIndexProps> globalSecondaryIndexes;
    private final RemovalPolicy removalPolicy;
    private final Boolean deletionProtection;
    private final IOperations operations;
    private final Number throttleAlarmThreshold;
    private final TableProps tableProps;

    private DataTableProps(Builder b) {
        this.partitionKey = b.partitionKey;
        this.sortKey = b.sortKey;
        this.timeToLiveAttribute = b.timeToLiveAttribute;
        this.globalSecondaryIndexes = b.globalSecondaryIndexes == null ? null : List.copyOf(b.globalSecondaryIndexes);
        this.removalPolicy = b.removalPolicy;
        this.deletionProtection = b.deletionProtection;
        this.operations = b.operations;
        this.throttleAlarmThreshold = b.throttleAlarmThreshold;
        this.tableProps = b.tableProps;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The partition key. Required, here or in {@link #getTableProps()} (both: the same attribute). */
    public Attribute getPartitionKey() {
        return partitionKey;
    }

    /**
     * The sort key.
     *
     * @default none
     */
    public Attribute getSortKey() {
        return sortKey;
    }

    /**
     * Name of a numeric attribute (epoch seconds) after which DynamoDB may delete the item. Deletion is
     * eventual: code must still check expiry when it reads.
     *
     * @default no TTL
     */
    public String getTimeToLiveAttribute() {
        return timeToLiveAttribute;
    }

    /**
     * Global secondary indexes.
     *
     * @default none
     */
    public List<GlobalSecondaryIndexProps> getGlobalSecondaryIndexes() {
        return globalSecondaryIndexes;
    }

    /**
     * What happens to the table when the stack is deleted or the table is replaced.
     *
     * @default the stage profile's, else RemovalPolicy.RETAIN
     */
    public RemovalPolicy getRemovalPolicy() {
        return removalPolicy;
    }

    /**
     * Whether DynamoDB refuses to delete the table.
     *
     * @default the stage profile's, else true when the removal policy is RETAIN, false otherwise
     */
    public Boolean getDeletionProtection() {
        return deletionProtection;
    }

    /**
     * Where the table's alarms notify.
     *
     * @default alarms are created without actions
     */
    public IOperations getOperations() {
        return operations;
    }

    /**
     * Read plus write throttle events in five minutes that raise the throttles alarm (at least this many; greater than 0).
     *
     * @default 1
     */
    public Number getThrottleAlarmThreshold() {
        return throttleAlarmThreshold;
    }

    /**
     * aws-cdk-lib's {@code TableProps}, passed through to the table for what the library has no opinion on: a
     * stream ({@code stream}), contributor insights, the table class, a name, a resource policy, a customer managed
     * key ({@code encryption(CUSTOMER_MANAGED)} with {@code encryptionKey})... Every prop set is copied onto the
     * table, so props aws-cdk-lib adds later work too.
     *
     * <p>Not weakened, whatever is passed (synthesis fails naming the prop): encryption at rest with KMS
     * ({@code encryption} AWS_MANAGED, or CUSTOMER_MANAGED; not DEFAULT, whose AWS owned key leaves no trace in
     * CloudTrail), point-in-time recovery, on-demand billing (the throttle alarms and the cost model assume it).
     * Set through this class instead: {@code sortKey}, {@code timeToLiveAttribute}, {@code removalPolicy},
     * {@code deletionProtection} ({@code partitionKey} may be given in either, or both if equal).
     *
     * @default the library's table only
     */
    public TableProps getTableProps() {
        return tableProps;
    }

    /** Builder of {@link DataTableProps}. */
    public static final class Builder {
        private Attribute partitionKey;
        private Attribute sortKey;
        private String timeToLiveAttribute;
        private List<GlobalSecondaryIndexProps> globalSecondaryIndexes;
        private RemovalPolicy removalPolicy;
        private Boolean deletionProtection;
        private IOperations operations;
        private Number throttleAlarmThreshold;
        private TableProps tableProps;

        public Builder partitionKey(Attribute partitionKey) {
            this.partitionKey = partitionKey;
            return this;
        }

        public Builder sortKey(Attribute sortKey) {
            this.sortKey = sortKey;
            return this;
        }

        public Builder timeToLiveAttribute(String timeToLiveAttribute) {
            this.timeToLiveAttribute = timeToLiveAttribute;
            return this;
        }

        public Builder globalSecondaryIndexes(List<GlobalSecondaryIndexProps> globalSecondaryIndexes) {
            this.globalSecondaryIndexes = globalSecondaryIndexes;
            return this;
        }

        public Builder removalPolicy(RemovalPolicy removalPolicy) {
            this.removalPolicy = removalPolicy;
            return this;
        }

        public Builder deletionProtection(Boolean deletionProtection) {
            this.deletionProtection = deletionProtection;
            return this;
        }

        public Builder operations(IOperations operations) {
            this.operations = operations;
            return this;
        }

        public Builder throttleAlarmThreshold(Number throttleAlarmThreshold) {
            this.throttleAlarmThreshold = throttleAlarmThreshold;
            return this;
        }

        public Builder tableProps(TableProps tableProps) {
            this.tableProps = tableProps;
            return this;
        }

        public DataTableProps build() {
            return new DataTableProps(this);
        }
    }
}
