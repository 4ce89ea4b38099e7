package dev.serverlesskit.app.adclicks;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.serverlesskit.app.common.ApiException;
import dev.serverlesskit.app.common.AppMetrics;
import dev.serverlesskit.app.common.AwsClients;
import dev.serverlesskit.app.common.DynamoPriming;
import dev.serverlesskit.app.common.Env;
import dev.serverlesskit.app.common.IdempotencyStore;
import dev.serverlesskit.app.common.Json;
import dev.serverlesskit.app.common.JsonBody;
import dev.serverlesskit.app.common.JsonLog;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Consumes the clicks queue and keeps hourly per-ad counters in the Clicks table ({@code CLICKS_TABLE}, keys
 * {@code pk}/{@code sk}). A message holds one click, or up to 100 ({@code Click.MAX_PER_MESSAGE}) as
 * {@code {"clicks": [...]}} (what {@code POST /clicks/batch} sends: one message per request, so SQS, the poller and
 * this function handle a tenth of the messages). Returns partial batch failures: only the messages that failed are
 * retried, and a poison message (unparseable, or holding an invalid click) is reported on its own until SQS moves it
 * to the DLQ after maxReceiveCount. The batch as a whole never fails. A message is acknowledged when each of its
 * clicks is counted or was counted before; otherwise it is retried whole, and the retry skips its clicks already
 * counted (their markers are COMPLETED), so the valid clicks next to an invalid one are counted once and the message
 * still ends in the DLQ, where a redrive within the markers' 7 days is harmless (after that, its already counted
 * clicks would count again: redrive sooner, or fix the message first).
 *
 * <p>Per batch, with single conditional writes only (no transactions, which dynalite lacks):
 * <ol>
 *   <li>each distinct clickId claims its marker {@code pk=CLICK#<clickId>, sk=MARKER} through
 *       {@link IdempotencyStore}, up to {@link #CLAIM_THREADS} claims at once (a batch of 25 messages of ten clicks
 *       is 250 claims, each a round trip or more)
 *       (expiresAt 7 days, checked on read); a COMPLETED marker means the click was already counted (duplicate,
 *       skipped), a marker of another campaign or ad means the clickId was reused (poison);</li>
 *   <li>the claimed clicks are summed per counter, and each counter gets one {@code ADD clicks :n} on
 *       {@code pk=CAMPAIGN#<campaignId>, sk=HOUR#<yyyy-MM-ddTHH>#AD#<adId>}: 25 clicks of one ad in one hour are
 *       one write, not 25; if a counter update fails, the markers of its clicks are deleted and their messages
 *       reported as failed, so the retry counts them;</li>
 *   <li>the markers of the counted clicks are completed together (BatchWriteItem, 25 a request).</li>
 * </ol>
 * Against one marker put, one counter update and one marker update per click: for a batch of 100 clicks of 8 ads
 * in one hour, about 109 writes instead of 300.
 *
 * <p>The handler starts no new message 3 s before its timeout (and claims no more clicks of a started one 1.5 s
 * before it, and updates no more counters 0.5 s before it: the claims of the clicks whose counter is not written
 * yet are released together) and reports the rest of the batch as failures: a slow batch hands its tail to the
 * retry instead of timing out while holding claims (which block those clicks for 2 minutes). A clickId twice in one
 * batch is claimed once and counted once.
 *
 * <p><b>Remaining at-least-once window:</b> the counter update and the marker completion are separate writes. If the
 * function dies between them (timeout, crash, or a completion DynamoDB keeps refusing) the markers stay IN_PROGRESS;
 * when such a click comes back after the marker's {@code inProgressUntil} (2 minutes; until then its retries find
 * it in progress, and after maxReceiveCount it rests in the dead-letter queue) it is counted a second time. A claim
 * tied to the invocation's deadline would bring retries back sooner but turn this window into a double count on
 * every such timeout (measured locally): the longer claim keeps it rare.
 * A failed marker completion is retried one marker at a time; a marker that still stays IN_PROGRESS is harmless for
 * a message of one click (acknowledged; the marker just expires) but counts its click again if its message of many
 * clicks is retried for another click after {@code inProgressUntil}.
 * Keep the queue's visibility timeout above the function timeout so redelivery does not race a still-running
 * invocation, and the function timeout below {@code inProgressUntil}.
 */
public class ClickProcessorHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    static final Duration MARKER_TTL = Duration.ofDays(7);
    static final Duration MARKER_IN_PROGRESS = Duration.ofMinutes(2);
    /** Start no new message when less remains of the invocation (the counter and marker writes still follow). */
    static final int STOP_CLAIMING_MS = 3_000;
    /** Below this much time left, no more counter updates: the handler returns its response instead of timing out. */
    static final int FINISH_RESERVE_MS = 500;
    /**
     * Marker claims in flight at once per invocation (each one to three round trips to DynamoDB). Locally, alternated,
     * 8 carried 467 and 657 clicks/s where 5 carried 420 and 450 (bench/README.md). The url-connection HTTP client
     * keeps 5 idle connections per host ({@code http.maxConnections}): while a batch runs its threads reuse their
     * connections, and at most 3 more are reopened per invocation.
     */
    static final int CLAIM_THREADS = 8;
    private static final AtomicBoolean COLD_START = new AtomicBoolean(true);

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final IdempotencyStore markers;
    private final DynamoPriming priming;
    private final ThreadPoolExecutor claimExecutor = claimPool();

    public ClickProcessorHandler() {
        this(AwsClients.dynamoDb(), Env.required("CLICKS_TABLE"), Clock.systemUTC());
    }

    ClickProcessorHandler(DynamoDbClient dynamoDb, String table, Clock clock) {
        AppMetrics.requireConfiguration();
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.markers = IdempotencyStore.builder(dynamoDb, table)
                .keyAttribute("pk")
                .fixedKeyAttribute("sk", "MARKER")
                .clock(clock)
                .ttl(MARKER_TTL)
                .inProgressTimeout(MARKER_IN_PROGRESS)
                .build();
        this.priming = DynamoPriming.register(dynamoDb, table,
                Map.of("pk", AttributeValue.fromS("PRIMING"), "sk", AttributeValue.fromS("NEVER-EXISTS")),
                () -> Json.write(new Click("00000000-0000-0000-0000-000000000000", "c", "a",
                        java.time.Instant.EPOCH, null).toJson()));
    }

    /** What became of one click (or of an unreadable message). */
    private enum Result { AGGREGATED, DUPLICATE, REJECTED, RETRY }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        long started = System.nanoTime();
        boolean coldStart = COLD_START.getAndSet(false);
        String requestId = context == null ? null : context.getAwsRequestId();
        JsonLog.setContext(requestId, requestId, coldStart);
        AppMetrics metrics = new AppMetrics();
        List<SQSEvent.SQSMessage> records = event == null || event.getRecords() == null ? List.of() : event.getRecords();
        // per message, what became of each of its clicks
        List<List<Result>> results = new ArrayList<>();
        List<Pending> claimed = new ArrayList<>();
        int deferredMessages = 0;
        // every click to claim, in batch order; the claims themselves run in parallel (claimAll), a clickId twice in
        // the batch claimed once, for its first click, and counted once
        List<Pending> pending = new ArrayList<>();
        for (SQSEvent.SQSMessage message : records) {
            List<Result> messageResults = new ArrayList<>();
            results.add(messageResults);
            if (remainingMs(context) < STOP_CLAIMING_MS) {
                // too close to the timeout: leave the rest to the retry rather than time out holding claims (a
                // whole message where possible, so that its retry finds none of its clicks already counted)
                messageResults.add(Result.RETRY);
                deferredMessages++;
                continue;
            }
            for (Click click : parse(message, messageResults)) {
                pending.add(new Pending(message.getMessageId(), click, messageResults, "CLICK#" + click.clickId(),
                        Json.sha256Hex(click.campaignId() + "\n" + click.adId())));
            }
        }
        Map<String, Claim> claims = claimAll(pending, context);
        int deferredClicks = 0;
        for (Pending p : pending) {
            Claim claim = claims.get(p.markerKey());
            if (claim.outcome() == ClaimOutcome.DEFERRED) {
                deferredClicks++;
            }
            Pending c = record(p, claim);
            if (c != null) {
                claimed.add(c);
            }
        }
        if (deferredMessages > 0 || deferredClicks > 0) {
            JsonLog.warn("time running out: left for the retry", Map.of("messages", deferredMessages,
                    "clicksNotClaimed", deferredClicks));
        }
        int counterWrites = aggregate(claimed, context);

        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        Map<Result, Integer> tally = new LinkedHashMap<>();
        for (int i = 0; i < records.size(); i++) {
            boolean failed = false;
            for (Result result : results.get(i)) {
                tally.merge(result, 1, Integer::sum);
                switch (result) {
                    case AGGREGATED -> metrics.count("ClicksAggregated");
                    case DUPLICATE -> metrics.count("ClicksDuplicate");
                    case REJECTED -> metrics.count("ClicksRejected");
                    default -> { }
                }
                failed |= result == Result.REJECTED || result == Result.RETRY;
            }
            if (failed) {
                failures.add(SQSBatchResponse.BatchItemFailure.builder()
                        .withItemIdentifier(records.get(i).getMessageId()).build());
            }
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("records", records.size());
        // per click, except that a deferred or unreadable message counts once
        tally.forEach((k, v) -> summary.put(k.name().toLowerCase(java.util.Locale.ROOT), v));
        summary.put("failed", failures.size());
        summary.put("counterWrites", counterWrites);
        summary.put("durationMs", (System.nanoTime() - started) / 1_000_000);
        JsonLog.info("batch processed", summary);
        metrics.publish(context, coldStart);
        JsonLog.clearContext();
        return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
    }

    /**
     * The valid clicks of a message; an unreadable message, or each invalid click of it, adds a REJECTED result
     * (the valid clicks beside an invalid one are still counted).
     */
    private static List<Click> parse(SQSEvent.SQSMessage message, List<Result> messageResults) {
        List<JsonBody> items;
        try {
            items = Click.messageItems(Json.parseObject(message.getBody()));
        } catch (ApiException e) {
            poison(message, e.getMessage());
            messageResults.add(Result.REJECTED);
            return List.of();
        }
        List<Click> clicks = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            try {
                Click click = Click.parse(items.get(i));
                if (click.clickId() == null || click.occurredAt() == null) {
                    throw ApiException.validation("fields 'clickId' and 'occurredAt' are required on the queue");
                }
                clicks.add(click);
            } catch (ApiException e) {
                poison(message, (items.size() > 1 ? Click.BATCH_FIELD + "[" + i + "]: " : "") + e.getMessage());
                messageResults.add(Result.REJECTED);
            }
        }
        return clicks;
    }

    private static void poison(SQSEvent.SQSMessage message, String reason) {
        JsonLog.warn("poison click message", Map.of("messageId", String.valueOf(message.getMessageId()),
                "reason", reason));
    }

    private static long remainingMs(Context context) {
        return context == null ? Long.MAX_VALUE : context.getRemainingTimeInMillis();
    }

    /** The claims' threads: daemons, gone after a minute without claims. */
    private static ThreadPoolExecutor claimPool() {
        AtomicInteger threads = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(CLAIM_THREADS, CLAIM_THREADS, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread thread = new Thread(r, "marker-claims-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** A click of the batch: to claim, then (once claimed here) to count. */
    private record Pending(String messageId, Click click, List<Result> messageResults, String markerKey,
                           String requestHash) {
        String counter() {
            return click.campaignId() + "\n" + click.hour() + "\n" + click.adId();
        }
    }

    /** How the claim of a marker went: {@link IdempotencyStore.Kind}'s outcomes, failed, or not attempted. */
    private enum ClaimOutcome { STARTED, COMPLETED, IN_PROGRESS, HASH_MISMATCH, FAILED, DEFERRED }

    /** A claim's outcome, with what failed it (logged on the handler's thread, where the log context is). */
    private record Claim(ClaimOutcome outcome, Pending first, Throwable failure) {
    }

    /**
     * Claims the marker of each distinct clickId of the batch (its first click's campaign and ad), up to
     * {@link #CLAIM_THREADS} at once: on DynamoDB each claim is a network round trip, and a batch of 25 messages of
     * ten clicks made 250 of them one after the other. A claim that would start less than half of
     * {@link #STOP_CLAIMING_MS} before the timeout is not attempted (DEFERRED): its click goes to the retry.
     */
    private Map<String, Claim> claimAll(List<Pending> pending, Context context) {
        Map<String, Pending> firsts = new LinkedHashMap<>();
        pending.forEach(p -> firsts.putIfAbsent(p.markerKey(), p));
        Map<String, Claim> claims = new HashMap<>();
        Set<String> startedMessages = ConcurrentHashMap.newKeySet();
        if (firsts.size() <= 1) {
            firsts.forEach((key, p) -> claims.put(key, claim(p, context, startedMessages)));
            return claims;
        }
        Map<String, Future<Claim>> running = new LinkedHashMap<>();
        firsts.forEach((key, p) -> running.put(key, claimExecutor.submit(() -> claim(p, context, startedMessages))));
        running.forEach((key, future) -> {
            try {
                claims.put(key, future.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                claims.put(key, new Claim(ClaimOutcome.FAILED, firsts.get(key), e));
            } catch (ExecutionException e) {
                claims.put(key, new Claim(ClaimOutcome.FAILED, firsts.get(key), e.getCause()));
            }
        });
        return claims;
    }

    /**
     * One claim, unless time is short: less than {@link #STOP_CLAIMING_MS} left, no click of a message none of whose
     * clicks is claimed yet (the message goes to the retry whole); less than half of it, no click at all.
     */
    private Claim claim(Pending p, Context context, Set<String> startedMessages) {
        long remaining = remainingMs(context);
        if (remaining < STOP_CLAIMING_MS / 2
                || remaining < STOP_CLAIMING_MS && !startedMessages.contains(p.messageId())) {
            return new Claim(ClaimOutcome.DEFERRED, p, null);
        }
        startedMessages.add(p.messageId());
        try {
            return new Claim(ClaimOutcome.valueOf(markers.begin(p.markerKey(), p.requestHash()).kind().name()), p,
                    null);
        } catch (RuntimeException e) {
            return new Claim(ClaimOutcome.FAILED, p, e);
        }
    }

    /**
     * Records what became of one click given its marker's claim: the click itself when it is to be counted, or null
     * (with its result recorded). A clickId twice in the batch was claimed once, for its first click: a later one naming the same
     * campaign and ad follows the first's outcome (counted with it: DUPLICATE); one naming another is rejected when
     * the marker is the first's, and retried when the first's claim did not happen.
     */
    private static Pending record(Pending p, Claim claim) {
        List<Result> messageResults = p.messageResults();
        boolean first = claim.first() == p;
        if (!first && !claim.first().requestHash().equals(p.requestHash())) {
            // the same clickId earlier in this batch for another campaign or ad: a marker of the earlier one's
            // (claimed here, COMPLETED, IN_PROGRESS) makes this one a reuse; otherwise it claims for itself on the retry
            switch (claim.outcome()) {
                case STARTED, COMPLETED, IN_PROGRESS -> rejectReusedClickId(p.messageId(), p.click(), messageResults);
                default -> messageResults.add(Result.RETRY);
            }
            return null;
        }
        switch (claim.outcome()) {
            case COMPLETED:
                messageResults.add(Result.DUPLICATE);
                return null;
            case IN_PROGRESS:
                JsonLog.info("click is being processed elsewhere, retry later",
                        Map.of("messageId", String.valueOf(p.messageId()), "clickId", p.click().clickId()));
                messageResults.add(Result.RETRY);
                return null;
            case HASH_MISMATCH:
                rejectReusedClickId(p.messageId(), p.click(), messageResults);
                return null;
            case FAILED:
                if (first) {
                    JsonLog.error("marker could not be claimed", Map.of("messageId", String.valueOf(p.messageId())),
                            claim.failure());
                }
                messageResults.add(Result.RETRY);
                return null;
            case DEFERRED:
                messageResults.add(Result.RETRY);
                return null;
            case STARTED:
            default:
                if (!first) {
                    // claimed for the same click earlier in this batch: counted with that one
                    messageResults.add(Result.DUPLICATE);
                    return null;
                }
                return p;
        }
    }

    /** A clickId already claimed for another campaign or ad: poison. */
    private static void rejectReusedClickId(String messageId, Click click, List<Result> messageResults) {
        JsonLog.warn("clickId reused for another campaign or ad", Map.of("messageId", String.valueOf(messageId),
                "clickId", click.clickId()));
        messageResults.add(Result.REJECTED);
    }

    /**
     * One counter update per (campaign, hour, ad) of the claimed clicks, then their markers completed together.
     *
     * @return the number of counter updates attempted
     */
    private int aggregate(List<Pending> claimed, Context context) {
        Map<String, List<Pending>> byCounter = new LinkedHashMap<>();
        for (Pending c : claimed) {
            byCounter.computeIfAbsent(c.counter(), k -> new ArrayList<>()).add(c);
        }
        Map<String, String> counted = new LinkedHashMap<>();
        int counterWrites = 0;
        List<Pending> outOfTime = new ArrayList<>();
        for (List<Pending> clicks : byCounter.values()) {
            if (remainingMs(context) < FINISH_RESERVE_MS) {
                outOfTime.addAll(clicks);
                continue;
            }
            try {
                counterWrites++;
                addClicks(clicks.get(0).click(), clicks.size());
            } catch (RuntimeException e) {
                JsonLog.error("counter update failed, its clicks will be retried",
                        Map.of("clicks", clicks.size(), "clickId", clicks.get(0).click().clickId()), e);
                for (Pending c : clicks) {
                    c.messageResults().add(Result.RETRY);
                    try {
                        markers.release(c.markerKey());
                    } catch (RuntimeException releaseFailure) {
                        JsonLog.warn("marker could not be released; it is taken over after inProgressUntil",
                                Map.of("clickId", c.click().clickId()));
                    }
                }
                continue;
            }
            for (Pending c : clicks) {
                c.messageResults().add(Result.AGGREGATED);
                counted.put(c.markerKey(), c.requestHash());
            }
        }
        if (!outOfTime.isEmpty()) {
            // return in time with what is counted: these clicks go back to the queue, their claims released at once
            outOfTime.forEach(c -> c.messageResults().add(Result.RETRY));
            List<String> kept;
            try {
                kept = markers.releaseAll(outOfTime.stream().map(Pending::markerKey).toList());
            } catch (RuntimeException e) {
                kept = outOfTime.stream().map(Pending::markerKey).toList();
            }
            JsonLog.warn("out of time before their counters: clicks left for the retry", Map.of("clicks",
                    outOfTime.size(), "markersKeptUntilInProgressUntil", kept.size()));
        }
        if (!counted.isEmpty()) {
            List<String> left;
            try {
                left = markers.completeAll(counted);
            } catch (RuntimeException e) {
                JsonLog.warn("marker batch could not be completed, completing one by one",
                        Map.of("markers", counted.size(), "error", String.valueOf(e.getMessage())));
                left = new ArrayList<>(counted.keySet());
            }
            completeOneByOne(left, context);
        }
        return counterWrites;
    }

    /**
     * Completes the markers a batch write left, each on its own. A counted click whose marker stays IN_PROGRESS is
     * counted again if its message is retried (for another click of it) after the marker's inProgressUntil; its own
     * message is acknowledged, so a single-click message is safe either way.
     */
    private void completeOneByOne(List<String> markerKeys, Context context) {
        int failed = 0;
        for (String markerKey : markerKeys) {
            if (remainingMs(context) < FINISH_RESERVE_MS) {
                failed++; // out of time: returning the batch response matters more
                continue;
            }
            try {
                markers.complete(markerKey);
            } catch (RuntimeException e) {
                failed++;
            }
        }
        if (failed > 0) {
            JsonLog.error("markers could not be completed", Map.of("markers", failed), null);
        }
    }

    private void addClicks(Click click, int clicks) {
        String hour = click.hour();
        dynamoDb.updateItem(UpdateItemRequest.builder()
                .tableName(table)
                .key(Map.of("pk", AttributeValue.fromS("CAMPAIGN#" + click.campaignId()),
                        "sk", AttributeValue.fromS("HOUR#" + hour + "#AD#" + click.adId())))
                .updateExpression("ADD #clicks :n SET #campaignId = :campaignId, #adId = :adId, #hour = :hour")
                .expressionAttributeNames(Map.of("#clicks", "clicks", "#campaignId", "campaignId",
                        "#adId", "adId", "#hour", "hour"))
                .expressionAttributeValues(Map.of(":n", AttributeValue.fromN(Integer.toString(clicks)),
                        ":campaignId", AttributeValue.fromS(click.campaignId()),
                        ":adId", AttributeValue.fromS(click.adId()),
                        ":hour", AttributeValue.fromS(hour)))
                .build());
    }
}
