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
import dev.serverlesskit.app.delivery.ProbeMessage;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Consumes the clicks queue and keeps hourly per-ad counters in the Clicks table ({@code CLICKS_TABLE}, keys
 * {@code pk}/{@code sk}). A message holds one click, or up to 100 ({@code Click.MAX_PER_MESSAGE}) as
 * {@code {"clicks": [...]}} (what {@code POST /clicks/batch} sends: one message per request, so SQS, the poller and
 * this function handle a tenth of the messages). Returns partial batch failures: only the messages that failed are
 * retried, and a poison message (unparseable, or holding an invalid click) is reported on its own until SQS moves it
 * to the DLQ after maxReceiveCount. The batch as a whole never fails. A message is acknowledged when each of its
 * clicks is counted or was counted before; otherwise it is retried whole, and the retry skips its clicks already
 * counted, so the valid clicks next to an invalid one are counted once and the message still ends in the DLQ, where
 * a redrive within the markers' 7 days is harmless (after that, its already counted clicks would count again:
 * redrive sooner, or fix the message first).
 *
 * <p>Each click is counted exactly once, also when DynamoDB calls fail ambiguously (the client times out but the
 * write is applied, later or twice), with single conditional writes only (no transactions, which dynalite lacks).
 * Every invocation has a token of its own, a random UUID. Per batch:
 * <ol>
 *   <li>each distinct clickId claims its marker {@code pk=CLICK#<clickId>, sk=MARKER} through
 *       {@link IdempotencyStore}, up to {@link #CLAIM_THREADS} claims at once; the marker records the token as its
 *       owner and the hour the click is counted in (expiresAt 7 days, checked on read). A COMPLETED marker means the
 *       click was already counted (duplicate, skipped), a marker of another campaign or ad means the clickId was
 *       reused (poison), an IN_PROGRESS marker of another token holds the click until its {@code inProgressUntil}
 *       ({@link #IN_PROGRESS_VARIABLE}). A claim whose put took effect although its response was lost (the SDK's
 *       retry then fails its condition) is recognised by its owner;</li>
 *   <li>the claimed clicks are summed per counter, and each counter gets one update under the token,
 *       {@code ADD clicks :n SET t_<token> = <now>} if {@code t_<token>} is absent ({@link ClickCounters}): 25
 *       clicks of one ad in one hour are one write, not 25. An update whose outcome is unknown is settled by fencing
 *       the token ({@code t_<token> = "aborted"} if absent): then it was applied (the clicks are counted) or it
 *       never will be (their claims are released and the retry counts them). A counter update is never taken as
 *       failed because its call failed;</li>
 *   <li>the markers of the counted clicks are completed together (BatchWriteItem, 25 a request; a lone marker by
 *       an UpdateItem, {@link IdempotencyStore#completeAll}), then the token is
 *       removed from each counter whose markers are all completed.</li>
 * </ol>
 * On the normal path that is one marker put per click, plus per counter one update and one token removal, plus one
 * BatchWriteItem per 25 clicks.
 *
 * <p>Recovery: a marker still IN_PROGRESS past its {@code inProgressUntil} (its invocation crashed or timed out, or
 * its claim landed after the invocation gave up on it) is taken over by the next receive of its click, which first
 * settles the owner's token on the marker's counter: applied means the click is counted (the marker is completed,
 * nothing counted again); fenced means the owner's update never applies, and the click is counted under the new
 * token. A counter whose claims did not all resolve (a claim call failed: its put may still land, owned by this
 * token) is not updated at all in this invocation, so that such a late claim is never taken for counted.
 * The window comes from {@link #IN_PROGRESS_VARIABLE} (infra: twice the function timeout, so the next receive takes
 * over), which {@code QueueWorkerProps.inProgressTimeout} checks at synthesis: above the function timeout (a live
 * invocation's claims are not taken over; if a clock is off and they are, its update is fenced, not counted twice)
 * and short enough that the last receive before the dead-letter queue, {@code (maxReceiveCount - 1) x
 * visibilityTimeout} after the first, can take over a claim the first receive abandoned.
 *
 * <p>The handler starts no new message 3 s before its timeout (and claims no more clicks of a started one 1.5 s
 * before it, and updates no more counters 0.5 s before it: those claims are released) and reports the rest of the
 * batch as failures: a slow batch hands its tail to the retry instead of timing out while holding claims. A clickId
 * twice in one batch is claimed once and counted once.
 *
 * <p><b>What remains.</b> Counted once holds however late DynamoDB applies a write, as long as the markers have not
 * expired: a message redriven from the DLQ more than 7 days later counts its already counted clicks again. Fenced
 * tokens ({@code "aborted"}), and the applied tokens of invocations that died before completing their markers, stay
 * on their counters for good (a few dozen bytes each, only after failures); the counter's hour ends, so its item
 * stops growing. A click is delayed, not lost, when its counter's update cannot be settled (DynamoDB
 * failing throughout): its marker stays IN_PROGRESS until {@code inProgressUntil}, then the retry settles it; if
 * every receive fails that way the message lands in the DLQ with the rest (redrive it). Markers written before tokens
 * existed (no owner) are taken over without settling, at least once as before.
 */
public class ClickProcessorHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    static final Duration MARKER_TTL = Click.DEDUPLICATION_WINDOW;
    /**
     * How long a click's claim holds before another invocation may take it over, in seconds; set by infra from the
     * queue's redelivery policy (QueueWorker's {@code inProgressTimeout}).
     */
    static final String IN_PROGRESS_VARIABLE = "IN_PROGRESS_TIMEOUT_SECONDS";
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
    /** The marker's attribute naming the hour its click is counted in (with its campaign and ad: the counter). */
    private static final String HOUR_ATTRIBUTE = "hour";
    private static final AtomicBoolean COLD_START = new AtomicBoolean(true);

    private final Clock clock;
    private final IdempotencyStore markers;
    private final ClickCounters counters;
    private final DynamoPriming priming;
    private final ThreadPoolExecutor claimExecutor = claimPool();

    public ClickProcessorHandler() {
        this(AwsClients.dynamoDb(), Env.required("CLICKS_TABLE"), Clock.systemUTC(), inProgressTimeout());
    }

    ClickProcessorHandler(DynamoDbClient dynamoDb, String table, Clock clock, Duration inProgressTimeout) {
        AppMetrics.requireConfiguration();
        this.clock = clock;
        this.markers = IdempotencyStore.builder(dynamoDb, table)
                .keyAttribute("pk")
                .fixedKeyAttribute("sk", "MARKER")
                .clock(clock)
                .ttl(MARKER_TTL)
                .inProgressTimeout(inProgressTimeout)
                .build();
        this.counters = new ClickCounters(dynamoDb, table);
        this.priming = DynamoPriming.register(dynamoDb, table,
                Map.of("pk", AttributeValue.fromS("PRIMING"), "sk", AttributeValue.fromS("NEVER-EXISTS")),
                () -> Json.write(new Click("00000000-0000-0000-0000-000000000000", "c", "a",
                        java.time.Instant.EPOCH, null).toJson()));
    }

    /** {@link #IN_PROGRESS_VARIABLE}: a whole number of seconds, at least 1. */
    static Duration inProgressTimeout() {
        String value = Env.required(IN_PROGRESS_VARIABLE);
        long seconds;
        try {
            seconds = Long.parseLong(value);
        } catch (NumberFormatException e) {
            seconds = 0;
        }
        if (seconds < 1) {
            throw new IllegalStateException("Environment variable " + IN_PROGRESS_VARIABLE
                    + " must be a whole number of seconds >= 1 (got '" + value + "')");
        }
        return Duration.ofSeconds(seconds);
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
        // this invocation's token: owner of its claims, name of its counter updates (made here, not at init: a
        // SnapStart snapshot would share it between environments)
        String token = UUID.randomUUID().toString();
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
        Map<String, Claim> claims = claimAll(pending, context, token);
        int deferredClicks = 0;
        // counters with a claim whose outcome is unknown: its put may still land, owned by this token
        Set<String> unsettledCounters = new HashSet<>();
        for (Pending p : pending) {
            Claim claim = claims.get(p.markerKey());
            if (claim.outcome() == ClaimOutcome.DEFERRED) {
                deferredClicks++;
            }
            if (claim.outcome() == ClaimOutcome.FAILED) {
                unsettledCounters.add(claim.first().counter());
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
        Map<String, Integer> writes = aggregate(claimed, unsettledCounters, context, token);

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
        summary.putAll(writes);
        summary.put("token", token);
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
        if (ProbeMessage.is(message.getBody())) {
            // a deployment's hook checking this version: acknowledged, nothing counted
            JsonLog.info("probe message acknowledged", Map.of("messageId", String.valueOf(message.getMessageId())));
            return List.of();
        }
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
    private Map<String, Claim> claimAll(List<Pending> pending, Context context, String token) {
        Map<String, Pending> firsts = new LinkedHashMap<>();
        pending.forEach(p -> firsts.putIfAbsent(p.markerKey(), p));
        Map<String, Claim> claims = new HashMap<>();
        Set<String> startedMessages = ConcurrentHashMap.newKeySet();
        if (firsts.size() <= 1) {
            firsts.forEach((key, p) -> claims.put(key, claim(p, context, startedMessages, token)));
            return claims;
        }
        Map<String, Future<Claim>> running = new LinkedHashMap<>();
        firsts.forEach((key, p) -> running.put(key,
                claimExecutor.submit(() -> claim(p, context, startedMessages, token))));
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
    private Claim claim(Pending p, Context context, Set<String> startedMessages, String token) {
        long remaining = remainingMs(context);
        if (remaining < STOP_CLAIMING_MS / 2
                || remaining < STOP_CLAIMING_MS && !startedMessages.contains(p.messageId())) {
            return new Claim(ClaimOutcome.DEFERRED, p, null);
        }
        startedMessages.add(p.messageId());
        Click click = p.click();
        IdempotencyStore.Claim claim = new IdempotencyStore.Claim(token,
                Map.of(HOUR_ATTRIBUTE, AttributeValue.fromS(click.hour())),
                abandoned -> countedBy(abandoned, click));
        try {
            return new Claim(ClaimOutcome.valueOf(markers.begin(p.markerKey(), p.requestHash(), claim).kind().name()),
                    p, null);
        } catch (RuntimeException e) {
            return new Claim(ClaimOutcome.FAILED, p, e);
        }
    }

    /**
     * Whether the invocation that left {@code marker} abandoned counted its click: settles the owner's token on the
     * counter the marker names (the click's campaign and ad, the marker's hour), fencing it if it was not applied.
     * A marker without an owner predates tokens: taken for not counted.
     */
    private boolean countedBy(Map<String, AttributeValue> marker, Click click) {
        AttributeValue owner = marker.get("owner");
        AttributeValue hour = marker.get(HOUR_ATTRIBUTE);
        if (owner == null || hour == null) {
            return false;
        }
        boolean counted = counters.settle(owner.s(), click.campaignId(), hour.s(), click.adId())
                == ClickCounters.Outcome.APPLIED;
        JsonLog.info("abandoned claim settled", Map.of("clickId", click.clickId(), "owner", owner.s(),
                "counted", counted));
        return counted;
    }

    /**
     * Records what became of one click given its marker's claim: the click itself when it is to be counted, or null
     * (with its result recorded). A clickId twice in the batch was claimed once, for its first click: a later one
     * naming the same campaign and ad follows the first's outcome (counted with it: DUPLICATE); one naming another is
     * rejected when the marker is the first's, and retried when the first's claim did not happen.
     */
    private static Pending record(Pending p, Claim claim) {
        List<Result> messageResults = p.messageResults();
        boolean first = claim.first() == p;
        if (!first && !claim.first().requestHash().equals(p.requestHash())) {
            // the same clickId earlier in this batch for another campaign or ad: a marker of the earlier one's
            // (claimed here, COMPLETED, IN_PROGRESS) makes this one a reuse; otherwise it claims for itself on the
            // retry
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
     * One counter update per (campaign, hour, ad) of the claimed clicks under {@code token}, then their markers
     * completed together and the token removed from the counters whose markers are all completed. The clicks of a
     * counter in {@code unsettledCounters}, of a counter whose update did not apply, or of one left out of time are
     * released for the retry; those of an update that could not be settled keep their claims (see the class comment).
     *
     * @return the writes made beyond the claims, for the batch's log line
     */
    private Map<String, Integer> aggregate(List<Pending> claimed, Set<String> unsettledCounters, Context context,
                                           String token) {
        Map<String, List<Pending>> byCounter = new LinkedHashMap<>();
        for (Pending c : claimed) {
            byCounter.computeIfAbsent(c.counter(), k -> new ArrayList<>()).add(c);
        }
        Map<String, String> counted = new LinkedHashMap<>();
        List<List<Pending>> applied = new ArrayList<>();
        List<Pending> released = new ArrayList<>();
        int counterWrites = 0;
        int outOfTime = 0;
        int unsettled = 0;
        for (Map.Entry<String, List<Pending>> counter : byCounter.entrySet()) {
            List<Pending> clicks = counter.getValue();
            if (unsettledCounters.contains(counter.getKey()) || remainingMs(context) < FINISH_RESERVE_MS) {
                outOfTime += unsettledCounters.contains(counter.getKey()) ? 0 : clicks.size();
                retry(clicks, released);
                continue;
            }
            counterWrites++;
            Click first = clicks.get(0).click();
            ClickCounters.Outcome outcome = counters.add(token, first.campaignId(), first.hour(), first.adId(),
                    clicks.size(), clock.millis());
            switch (outcome) {
                case APPLIED -> {
                    for (Pending c : clicks) {
                        c.messageResults().add(Result.AGGREGATED);
                        counted.put(c.markerKey(), c.requestHash());
                    }
                    applied.add(clicks);
                }
                case NOT_APPLIED -> retry(clicks, released);
                default -> {
                    // may still be applied: the claims stay, and whoever takes them over settles the token
                    unsettled += clicks.size();
                    clicks.forEach(c -> c.messageResults().add(Result.RETRY));
                }
            }
        }
        if (!unsettledCounters.isEmpty()) {
            JsonLog.warn("a claim failed: its counter is left for the retry", Map.of("counters",
                    unsettledCounters.size()));
        }
        if (outOfTime > 0) {
            JsonLog.warn("out of time before their counters: clicks left for the retry", Map.of("clicks", outOfTime));
        }
        if (unsettled > 0) {
            JsonLog.error("counter updates could not be settled: their claims are kept until inProgressUntil",
                    Map.of("clicks", unsettled), null);
        }
        // released even when time is short (a quick write each, in parallel): the retry can claim them at once
        int notReleased = inParallel(released, context, 0, c -> markers.release(c.markerKey(), token));
        if (notReleased > 0) {
            JsonLog.warn("claims not released: taken over after inProgressUntil", Map.of("markers", notReleased));
        }
        int tokenRemovals = 0;
        if (!counted.isEmpty()) {
            List<String> left;
            try {
                left = markers.completeAll(counted);
            } catch (RuntimeException e) {
                JsonLog.warn("marker batch could not be completed, completing one by one",
                        Map.of("markers", counted.size(), "error", String.valueOf(e.getMessage())));
                left = new ArrayList<>(counted.keySet());
            }
            Set<String> incomplete = completeOneByOne(left, context);
            // a counter keeps the token while a marker of its clicks may be taken over: that marker's taker finds
            // the token applied and completes the marker without counting the click again
            List<Click> done = applied.stream()
                    .filter(clicks -> clicks.stream().noneMatch(c -> incomplete.contains(c.markerKey())))
                    .map(clicks -> clicks.get(0).click()).toList();
            tokenRemovals = done.size();
            int kept = inParallel(done, context, FINISH_RESERVE_MS,
                    c -> {
                        counters.removeToken(token, c.campaignId(), c.hour(), c.adId());
                        return true;
                    });
            if (kept > 0 || done.size() < applied.size()) {
                JsonLog.warn("tokens left on counters", Map.of("counters", kept + applied.size() - done.size()));
            }
        }
        Map<String, Integer> writes = new LinkedHashMap<>();
        writes.put("counterWrites", counterWrites);
        writes.put("tokenRemovals", tokenRemovals);
        writes.put("released", released.size());
        return writes;
    }

    /** Sends the clicks of a counter not updated here to the retry, their claims to be released. */
    private static void retry(List<Pending> clicks, List<Pending> released) {
        clicks.forEach(c -> c.messageResults().add(Result.RETRY));
        released.addAll(clicks);
    }

    /**
     * Runs {@code task} on each item, up to {@link #CLAIM_THREADS} at once, none started less than
     * {@code reserveMs} before the timeout.
     *
     * @return how many did not succeed (false, threw, or not started)
     */
    private <T> int inParallel(List<T> items, Context context, int reserveMs, java.util.function.Predicate<T> task) {
        if (items.size() == 1) { // on this thread, as claimAll does: no pool thread started for one write
            try {
                return remainingMs(context) >= reserveMs && task.test(items.get(0)) ? 0 : 1;
            } catch (RuntimeException e) {
                return 1;
            }
        }
        List<Future<Boolean>> running = new ArrayList<>();
        for (T item : items) {
            running.add(claimExecutor.submit(() -> remainingMs(context) >= reserveMs && task.test(item)));
        }
        int failed = 0;
        for (Future<Boolean> future : running) {
            try {
                failed += future.get() ? 0 : 1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failed++;
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Error error) {
                    throw error;
                }
                failed++;
            }
        }
        return failed;
    }

    /**
     * Completes the markers a batch write left, each on its own.
     *
     * @return the markers that stay IN_PROGRESS: their counter keeps this invocation's token, so that a taker of
     *         one of them finds it applied and completes the marker instead of counting the click again
     */
    private Set<String> completeOneByOne(List<String> markerKeys, Context context) {
        Set<String> incomplete = new HashSet<>();
        for (String markerKey : markerKeys) {
            if (remainingMs(context) < FINISH_RESERVE_MS) {
                incomplete.add(markerKey); // out of time: returning the batch response matters more
                continue;
            }
            try {
                markers.complete(markerKey);
            } catch (RuntimeException e) {
                incomplete.add(markerKey);
            }
        }
        if (!incomplete.isEmpty()) {
            JsonLog.error("markers could not be completed", Map.of("markers", incomplete.size()), null);
        }
        return incomplete;
    }
}
