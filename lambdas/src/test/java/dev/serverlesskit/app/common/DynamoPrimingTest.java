package dev.serverlesskit.app.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

/**
 * SnapStart priming: before the snapshot it warms the handler's JSON path and makes one read of a key that never
 * exists, and nothing else (no write lands in a real table); a failure never fails the snapshot.
 */
class DynamoPrimingTest {
    private static final Map<String, AttributeValue> MISSING = Map.of("petId", AttributeValue.fromS("pet-never"));

    /** A client that records every call made on it (any method of the interface) and answers GetItem. */
    private static DynamoDbClient recording(List<String> calls, boolean failing) {
        return (DynamoDbClient) Proxy.newProxyInstance(DynamoDbClient.class.getClassLoader(),
                new Class<?>[] {DynamoDbClient.class}, (proxy, method, args) -> {
                    if (method.getName().equals("serviceName") || method.getName().equals("close")) {
                        return method.getName().equals("serviceName") ? "dynamodb" : null;
                    }
                    if (args != null && args.length == 1 && args[0] instanceof GetItemRequest r) {
                        calls.add("getItem " + r.tableName() + " " + r.key());
                        if (failing) {
                            throw SdkClientException.create("unable to connect");
                        }
                        return GetItemResponse.builder().build();
                    }
                    calls.add(method.getName());
                    return null;
                });
    }

    @Test
    void beforeTheSnapshotItWarmsUpAndReadsOneMissingKeyOnly() throws Exception {
        List<String> calls = new ArrayList<>();
        AtomicInteger warmUps = new AtomicInteger();
        DynamoPriming priming = DynamoPriming.register(recording(calls, false), "Pets", MISSING,
                warmUps::incrementAndGet);
        priming.beforeCheckpoint(null);
        assertThat(warmUps).hasValue(1);
        assertThat(calls).containsExactly("getItem Pets " + MISSING);
    }

    @Test
    void aFailureIsIgnoredSoTheSnapshotIsStillTaken() throws Exception {
        List<String> calls = new ArrayList<>();
        DynamoPriming failing = DynamoPriming.register(recording(calls, true), "Pets", MISSING, () -> "warm");
        failing.beforeCheckpoint(null); // must not throw
        DynamoPriming brokenWarmUp = DynamoPriming.register(recording(calls, false), "Pets", MISSING, () -> {
            throw new IllegalStateException("warm-up bug");
        });
        brokenWarmUp.beforeCheckpoint(null);
        assertThat(calls).containsExactly("getItem Pets " + MISSING);
    }
}
