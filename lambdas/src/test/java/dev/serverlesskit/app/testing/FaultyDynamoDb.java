package dev.serverlesskit.app.testing;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * A real DynamoDB client on the local engine (the SDK's own retries included) whose calls fail ambiguously on
 * demand, the way they fail against AWS: a write applied while the client sees a timeout, a write applied and then
 * retried by the SDK, a write applied only after the client gave up on it. Rules match requests and fire a given
 * number of times; every HTTP attempt of a matching request is counted.
 */
public final class FaultyDynamoDb implements ExecutionInterceptor {
    /** What a rule does to a matching attempt. */
    public enum Fault {
        /** The request is applied, then the client sees {@code ApiCallTimeoutException} (not retried by the SDK). */
        APPLIED_THEN_TIMEOUT,
        /**
         * The request is applied, then its response is a 500 InternalServerError, which the SDK retries (unless the
         * request turned its retries off): the retry is applied too unless its condition fails.
         */
        APPLIED_THEN_500,
        /**
         * The request is not sent now: the client sees {@code ApiCallTimeoutException}, and the request is applied
         * later, by {@link #applyLate()} (DynamoDB resuming after a stall).
         */
        DELAYED,
        /**
         * As {@link #DELAYED}, but the client sees a connection failure, which the SDK retries (unless the request
         * turned its retries off): a copy of the request arrives after another one was answered.
         */
        DELAYED_THEN_RETRIED,
        /** The request is not sent: DynamoDB throttles it (the SDK retries throttling). */
        THROTTLED,
        /** The request is not sent: DynamoDB refuses it with an error the SDK does not retry (a 400). */
        REJECTED,
        /** The function dies at this call (an {@link Error} no handler catches); the request is not sent. */
        CRASH
    }

    /** The function died here. */
    public static final class Crash extends Error {
        Crash(String at) {
            super("injected crash at " + at);
        }
    }

    private static final ExecutionAttribute<Fault> FAULT = new ExecutionAttribute<>("injected-fault");

    private record Rule(Predicate<SdkRequest> matches, Fault fault, AtomicInteger remaining) {
    }

    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final List<Predicate<SdkRequest>> counted = new CopyOnWriteArrayList<>();
    private final List<AtomicInteger> counts = new CopyOnWriteArrayList<>();
    private final List<SdkRequest> delayed = new CopyOnWriteArrayList<>();
    private final DynamoDbClient client = DynamoDbClient.builder()
            .region(Region.of(LocalAws.env("AWS_REGION")))
            .credentialsProvider(EnvironmentVariableCredentialsProvider.create())
            .httpClient(UrlConnectionHttpClient.create())
            .overrideConfiguration(ClientOverrideConfiguration.builder().addExecutionInterceptor(this).build())
            .build();

    /** The client to give the handler under test. */
    public DynamoDbClient client() {
        return client;
    }

    /** {@code fault} on the next {@code times} attempts matching {@code matches}. */
    public FaultyDynamoDb on(Predicate<SdkRequest> matches, Fault fault, int times) {
        rules.add(new Rule(matches, fault, new AtomicInteger(times)));
        return this;
    }

    /** Counts from now on the HTTP attempts of requests matching {@code matches} (faulted ones included). */
    public AtomicInteger count(Predicate<SdkRequest> matches) {
        AtomicInteger count = new AtomicInteger();
        counted.add(matches);
        counts.add(count);
        return count;
    }

    /** Removes every rule (requests already delayed stay delayed). */
    public void heal() {
        rules.clear();
    }

    /**
     * Applies the delayed requests now, in the order they were made, through a client without faults.
     *
     * @return what each one threw (a condition that failed by now), or null where it was applied
     */
    public List<Exception> applyLate() {
        List<Exception> outcomes = new ArrayList<>();
        List<SdkRequest> requests = new ArrayList<>(delayed);
        delayed.clear();
        DynamoDbClient clean = LocalAws.dynamoDb();
        for (SdkRequest request : requests) {
            try {
                if (request instanceof PutItemRequest put) {
                    clean.putItem(put);
                } else if (request instanceof UpdateItemRequest update) {
                    clean.updateItem(update);
                } else if (request instanceof BatchWriteItemRequest batch) {
                    clean.batchWriteItem(batch);
                } else {
                    throw new IllegalArgumentException("cannot apply " + request.getClass().getSimpleName() + " late");
                }
                outcomes.add(null);
            } catch (RuntimeException e) {
                outcomes.add(e);
            }
        }
        return outcomes;
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        SdkRequest request = context.request();
        for (int i = 0; i < counted.size(); i++) {
            if (counted.get(i).test(request)) {
                counts.get(i).incrementAndGet();
            }
        }
        attributes.putAttribute(FAULT, null);
        for (Rule rule : rules) {
            if (rule.matches().test(request) && rule.remaining().getAndDecrement() > 0) {
                switch (rule.fault()) {
                    case DELAYED -> {
                        delayed.add(request);
                        throw timeout();
                    }
                    case DELAYED_THEN_RETRIED -> {
                        delayed.add(request);
                        throw SdkClientException.create("injected: connection reset",
                                new java.net.SocketException("Connection reset"));
                    }
                    case THROTTLED -> throw ProvisionedThroughputExceededException.builder().statusCode(400)
                            .awsErrorDetails(error("ProvisionedThroughputExceededException", "injected throttling"))
                            .message("injected throttling").build();
                    case REJECTED -> throw DynamoDbException.builder().statusCode(400)
                            .awsErrorDetails(error("ValidationException", "injected rejection"))
                            .message("injected rejection").build();
                    case CRASH -> throw new Crash(request.getClass().getSimpleName());
                    default -> attributes.putAttribute(FAULT, rule.fault());
                }
                return;
            }
        }
    }

    @Override
    public SdkHttpResponse modifyHttpResponse(Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
        Fault fault = attributes.getAttribute(FAULT);
        if (fault == Fault.APPLIED_THEN_TIMEOUT) {
            throw timeout();
        }
        if (fault == Fault.APPLIED_THEN_500) {
            return context.httpResponse().toBuilder().statusCode(500).statusText("Internal Server Error")
                    .removeHeader("x-amz-crc32").build();
        }
        return context.httpResponse();
    }

    @Override
    public Optional<InputStream> modifyHttpResponseContent(Context.ModifyHttpResponse context,
                                                           ExecutionAttributes attributes) {
        if (attributes.getAttribute(FAULT) == Fault.APPLIED_THEN_500) {
            return Optional.of(new ByteArrayInputStream(("{\"__type\":\"com.amazonaws.dynamodb.v20120810"
                    + "#InternalServerError\",\"message\":\"injected: the write was applied\"}")
                    .getBytes(StandardCharsets.UTF_8)));
        }
        return context.responseBody();
    }

    private static AwsErrorDetails error(String code, String message) {
        return AwsErrorDetails.builder().errorCode(code).errorMessage(message).serviceName("DynamoDb").build();
    }

    private static ApiCallTimeoutException timeout() {
        return ApiCallTimeoutException.create(1_000);
    }

    /** Requests of one kind, for rules: e.g. {@code FaultyDynamoDb.update(u -> ...)}. */
    public static Predicate<SdkRequest> update(Predicate<UpdateItemRequest> matches) {
        return r -> r instanceof UpdateItemRequest u && matches.test(u);
    }

    public static Predicate<SdkRequest> put(Predicate<PutItemRequest> matches) {
        return r -> r instanceof PutItemRequest p && matches.test(p);
    }

    public static Predicate<SdkRequest> get(Predicate<GetItemRequest> matches) {
        return r -> r instanceof GetItemRequest g && matches.test(g);
    }

    public static Predicate<SdkRequest> batchWrite() {
        return r -> r instanceof BatchWriteItemRequest;
    }
}
