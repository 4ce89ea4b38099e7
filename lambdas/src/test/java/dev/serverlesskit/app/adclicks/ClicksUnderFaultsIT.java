package dev.serverlesskit.app.adclicks;

import static dev.serverlesskit.app.adclicks.ClicksIT.batch;
import static dev.serverlesskit.app.adclicks.ClicksIT.campaign;
import static dev.serverlesskit.app.adclicks.ClicksIT.click;
import static dev.serverlesskit.app.adclicks.ClicksIT.clicksMessage;
import static dev.serverlesskit.app.adclicks.ClicksIT.counterItem;
import static dev.serverlesskit.app.adclicks.ClicksIT.failed;
import static dev.serverlesskit.app.adclicks.ClicksIT.stats;
import static dev.serverlesskit.app.adclicks.ClicksValidationTest.message;
import static dev.serverlesskit.app.testing.FaultyDynamoDb.batchWrite;
import static dev.serverlesskit.app.testing.FaultyDynamoDb.put;
import static dev.serverlesskit.app.testing.FaultyDynamoDb.update;
import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlesskit.app.testing.FakeContext;
import dev.serverlesskit.app.testing.FaultyDynamoDb;
import dev.serverlesskit.app.testing.FaultyDynamoDb.Fault;
import dev.serverlesskit.app.testing.LocalAws;
import dev.serverlesskit.app.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Clicks counted exactly once when DynamoDB calls fail ambiguously: a write applied while the client sees a
 * timeout, applied twice through the SDK's own retry, applied only after the client gave up (a stall), and the
 * function dying between its writes. Each message is delivered the way the clicks queue delivers it: a receive every
 * visibility timeout, until it is acknowledged or its receives are used up and it goes to the dead-letter queue.
 */
@ExtendWith(LocalAws.class)
class ClicksUnderFaultsIT {
    /** The clicks queue in every stage (AdClicks): the visibility timeout, and receives before the DLQ. */
    static final Duration VISIBILITY = Duration.ofSeconds(60);
    static final int MAX_RECEIVES = 3;
    /**
     * How long a claim holds, as infra sets it: twice the processor's 10 s timeout, so the next receive takes over
     * what the previous one abandoned (QueueWorker checks it against the two values above).
     */
    static final Duration IN_PROGRESS = Duration.ofSeconds(20);
    static final String HOUR = "2026-05-01T10:00:00Z";

    private final FaultyDynamoDb faults = new FaultyDynamoDb();
    private final TestClock clock = new TestClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    private final ClickProcessorHandler processor = new ClickProcessorHandler(faults.client(),
            LocalAws.env("CLICKS_TABLE"), clock, IN_PROGRESS);

    /** How a delivery ended: the receive that acknowledged the message (1-based), or 0 when it went to the DLQ. */
    private int deliver(String body, Duration intoFirstInvocation, Runnable afterEachFailedReceive) {
        Instant first = clock.instant();
        for (int receive = 0; receive < MAX_RECEIVES; receive++) {
            clock.set(first.plus(VISIBILITY.multipliedBy(receive)).plus(receive == 0 ? intoFirstInvocation
                    : Duration.ZERO));
            boolean acknowledged;
            try {
                acknowledged = failed(processor.handleRequest(batch(message("m-1", body)), new FakeContext()))
                        .isEmpty();
            } catch (FaultyDynamoDb.Crash died) {
                acknowledged = false; // no response: SQS makes the message visible again after the timeout
            }
            if (acknowledged) {
                return receive + 1;
            }
            afterEachFailedReceive.run();
        }
        return 0;
    }

    private int deliver(String body) {
        return deliver(body, Duration.ZERO, () -> { });
    }

    private static long total(String campaignId) {
        return ((Number) stats(campaignId).get("totalClicks")).longValue();
    }

    private static Predicate<SdkRequest> counterAdd(String campaignId) {
        return update(u -> u.updateExpression().startsWith("ADD ") && isCounterOf(u.key(), campaignId));
    }

    private static Predicate<SdkRequest> tokenFence(String campaignId) {
        return update(u -> u.updateExpression().equals("SET #tok = :aborted") && isCounterOf(u.key(), campaignId));
    }

    private static boolean isCounterOf(Map<String, AttributeValue> key, String campaignId) {
        return key.get("pk").s().equals("CAMPAIGN#" + campaignId);
    }

    private static Predicate<SdkRequest> claimOf(String clickId) {
        return put(p -> p.item().get("pk").s().equals("CLICK#" + clickId));
    }

    private static Predicate<SdkRequest> markerCompletion() {
        return batchWrite().or(update(u -> u.key().get("pk").s().startsWith("CLICK#")
                && u.updateExpression().startsWith("SET #status = :completed")));
    }

    private static String threeClicks(String c) {
        return clicksMessage(click(c, "ad-1", UUID.randomUUID().toString(), HOUR),
                click(c, "ad-1", UUID.randomUUID().toString(), HOUR),
                click(c, "ad-1", UUID.randomUUID().toString(), HOUR));
    }

    @Test
    void aCounterUpdateAppliedWhileTheClientTimedOutIsNotCountedAgain() {
        String c = campaign();
        String body = threeClicks(c);
        faults.on(counterAdd(c), Fault.APPLIED_THEN_TIMEOUT, 1);

        int acknowledgedAt = deliver(body);
        // SQS delivers at least once: a redelivery anyway counts nothing more
        assertThat(failed(processor.handleRequest(batch(message("m-1", body)), new FakeContext()))).isEmpty();
        assertThat(total(c)).isEqualTo(3);
        // settled at once (the fence finds the update applied): acknowledged, nothing left for a retry to count
        assertThat(acknowledgedAt).isEqualTo(1);
    }

    @Test
    void aCounterUpdateIsSentOnceSoTheSdksRetryCannotApplyItTwice() {
        String c = campaign();
        faults.on(counterAdd(c), Fault.APPLIED_THEN_500, 1);
        AtomicInteger adds = faults.count(counterAdd(c));

        int acknowledgedAt = deliver(threeClicks(c));
        assertThat(total(c)).isEqualTo(3);
        assertThat(adds.get()).as("HTTP attempts of the counter update").isEqualTo(1);
        assertThat(acknowledgedAt).isEqualTo(1);
    }

    @Test
    void aCounterUpdateAppliedAfterTheClientGaveUpCanNoLongerCount() {
        String c = campaign();
        String body = threeClicks(c);
        faults.on(counterAdd(c), Fault.DELAYED, 1);
        List<List<Exception>> late = new java.util.ArrayList<>();

        // the first receive fences its own update and releases its claims; the update then reaches DynamoDB
        int acknowledgedAt = deliver(body, Duration.ZERO, () -> late.add(faults.applyLate()));
        assertThat(total(c)).isEqualTo(3);
        assertThat(late.get(0)).singleElement().isInstanceOf(ConditionalCheckFailedException.class);
        assertThat(acknowledgedAt).isEqualTo(2);
    }

    @Test
    void aCopyOfTheCounterUpdateArrivingLateCannotCountAgain() {
        String c = campaign();
        String body = threeClicks(c);
        // the update's first attempt is held up in the network, the client sees a connection reset; were the SDK
        // to retry, the retry would count, the markers be completed, the token removed, and the held-up copy
        // would count again when it arrives
        faults.on(counterAdd(c), Fault.DELAYED_THEN_RETRIED, 1);

        int acknowledgedAt = deliver(body, Duration.ZERO, faults::applyLate);
        faults.applyLate(); // the held-up copy arrives in any case
        assertThat(total(c)).isEqualTo(3);
        // the first receive settled its update (fenced: never applied) and released its claims
        assertThat(acknowledgedAt).isEqualTo(2);
    }

    @Test
    void takeOversFenceTheUpdateOfTheInvocationTheyTookTheClicksFrom() {
        String c = campaign();
        String first = click(c, "ad-1", UUID.randomUUID().toString(), HOUR);
        String second = click(c, "ad-1", UUID.randomUUID().toString(), HOUR);
        // one invocation claims both clicks (two messages); its update is stuck in DynamoDB and cannot be settled
        // now: the claims stay in progress
        faults.on(counterAdd(c), Fault.DELAYED, 1).on(tokenFence(c), Fault.REJECTED, 1);
        Instant start = clock.instant();
        assertThat(failed(processor.handleRequest(batch(message("m-1", first), message("m-2", second)),
                new FakeContext()))).containsExactly("m-1", "m-2");

        // the next receives come to two invocations: the first fences the stuck update, the second finds it fenced
        clock.set(start.plus(VISIBILITY));
        assertThat(failed(processor.handleRequest(batch(message("m-1", first)), new FakeContext()))).isEmpty();
        assertThat(failed(processor.handleRequest(batch(message("m-2", second)), new FakeContext()))).isEmpty();
        // the stuck update lands at last, and cannot count
        List<Exception> late = faults.applyLate();
        assertThat(total(c)).isEqualTo(2);
        assertThat(late).singleElement().isInstanceOf(ConditionalCheckFailedException.class);
    }

    @Test
    void aCountedClickWhoseMarkerCouldNotBeCompletedIsNotCountedAgain() {
        String c = campaign();
        String clickId = UUID.randomUUID().toString();
        String body = click(c, "ad-1", clickId, HOUR);
        faults.on(markerCompletion(), Fault.REJECTED, 100);
        // counted, so acknowledged, but its marker stays in progress: the counter keeps the token
        assertThat(deliver(body)).isEqualTo(1);
        faults.heal();

        // the same click comes again minutes later, long after the marker's window (a client's retry with its
        // clickId)
        clock.advance(Duration.ofMinutes(3));
        assertThat(failed(processor.handleRequest(batch(message("m-2", body)), new FakeContext()))).isEmpty();
        assertThat(total(c)).isEqualTo(1);
        assertThat(ClicksIT.marker(clickId).get("status").s()).isEqualTo("COMPLETED");
    }

    @Test
    void aCrashBetweenTheCounterUpdateAndTheMarkersIsNotCountedAgain() {
        String c = campaign();
        String body = threeClicks(c);
        faults.on(batchWrite(), Fault.CRASH, 1);

        // the next receive takes the claims over, finds the dead invocation's update applied, and completes the
        // markers without counting
        int acknowledgedAt = deliver(body);
        // a redelivery long after (a redrive from the dead-letter queue) counts nothing more either
        clock.advance(Duration.ofHours(1));
        assertThat(failed(processor.handleRequest(batch(message("m-1", body)), new FakeContext()))).isEmpty();
        assertThat(total(c)).isEqualTo(3);
        assertThat(acknowledgedAt).isEqualTo(2);
        // the dead invocation's token stays on the counter (it cannot tell all of its markers were completed)
        assertThat(counterItem(c, "HOUR#2026-05-01T10#AD#ad-1").keySet()).filteredOn(k -> k.startsWith("t_"))
                .hasSize(1);
    }

    @Test
    void aClaimWhoseResponseWasLostIsRecognisedAsTheInvocationsOwn() {
        String c = campaign();
        String clickId = UUID.randomUUID().toString();
        // the put is applied, its response is a 500, the SDK retries: the retry fails its condition on the claim
        faults.on(claimOf(clickId), Fault.APPLIED_THEN_500, 1);
        AtomicInteger puts = faults.count(claimOf(clickId));

        int acknowledgedAt = deliver(click(c, "ad-1", clickId, HOUR));
        assertThat(total(c)).isEqualTo(1);
        assertThat(puts.get()).isEqualTo(2);
        assertThat(acknowledgedAt).as("counted by the receive that claimed it").isEqualTo(1);
    }

    @Test
    void claimsAppliedAfterALongStallLeaveNoValidClickInTheDeadLetterQueue() {
        String c = campaign();
        String first = UUID.randomUUID().toString();
        String second = UUID.randomUUID().toString();
        String body = clicksMessage(click(c, "ad-1", first, HOUR), click(c, "ad-2", second, HOUR));
        // DynamoDB stalls 5 s into the first invocation: both claims time out on the client, and are applied when
        // DynamoDB resumes, while the message waits for its next receive
        faults.on(claimOf(first), Fault.DELAYED, 1).on(claimOf(second), Fault.DELAYED, 1);

        int acknowledgedAt = deliver(body, Duration.ofSeconds(5), faults::applyLate);
        // the second receive, 60 s after the first, is past their window and takes them over
        assertThat(acknowledgedAt).as("acknowledged before the DLQ").isEqualTo(2);
        assertThat(total(c)).isEqualTo(2);
    }

    @Test
    void aCounterWithAClaimThatMayStillLandIsNotUpdatedSoThatClaimIsNeverTakenForCounted() {
        String c = campaign();
        String lateClick = UUID.randomUUID().toString();
        String body = clicksMessage(click(c, "ad-1", lateClick, HOUR),
                click(c, "ad-1", UUID.randomUUID().toString(), HOUR));
        // the first click's claim lands only later; had the other click been counted under the first receive's
        // token, and its marker not been completed, the late claim's take-over would find that token applied
        faults.on(claimOf(lateClick), Fault.DELAYED, 1).on(markerCompletion(), Fault.REJECTED, 100);

        int acknowledgedAt = deliver(body, Duration.ZERO, () -> {
            faults.heal();
            faults.applyLate();
        });
        assertThat(total(c)).isEqualTo(2);
        assertThat(acknowledgedAt).isEqualTo(2);
    }
}
