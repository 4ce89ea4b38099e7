package dev.serverlesskit.app.common;

import java.util.Map;
import java.util.function.Supplier;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;

/**
 * SnapStart (CRaC) priming for handlers that use DynamoDB: before the snapshot, one GetItem on a key that never
 * exists loads and warms the SDK request pipeline (marshalling, signing, HTTP) plus the handler's own JSON path,
 * so restored instances do not pay for class loading on their first request. Failures are ignored: priming is an
 * optimisation. The handler keeps the returned resource in a field (CRaC may hold resources weakly).
 */
public final class DynamoPriming implements Resource {
    private final DynamoDbClient dynamoDb;
    private final String table;
    private final Map<String, AttributeValue> missingKey;
    private final Supplier<?> warmUp;

    private DynamoPriming(DynamoDbClient dynamoDb, String table, Map<String, AttributeValue> missingKey,
                          Supplier<?> warmUp) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.missingKey = missingKey;
        this.warmUp = warmUp;
    }

    public static DynamoPriming register(DynamoDbClient dynamoDb, String table, Map<String, AttributeValue> missingKey,
                                         Supplier<?> warmUp) {
        DynamoPriming priming = new DynamoPriming(dynamoDb, table, missingKey, warmUp);
        Core.getGlobalContext().register(priming);
        return priming;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        prime();
    }

    /** One GetItem on a key that never exists, after the warm-up; a failure is logged and ignored. */
    void prime() {
        try {
            warmUp.get();
            dynamoDb.getItem(GetItemRequest.builder().tableName(table).key(missingKey).build());
        } catch (RuntimeException e) {
            JsonLog.warn("priming failed (ignored)", Map.of("error", String.valueOf(e)));
        }
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // SDK clients keep no state that a restore invalidates; credentials come from the restored environment
    }
}
