package dev.serverlesskit.bench.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serverlesskit.bench.harness.Machine;
import dev.serverlesskit.infra.ProjectFiles;
import dev.serverlesskit.local.CloudAssembly;
import dev.serverlesskit.local.CognitoLocal;
import dev.serverlesskit.local.LocalRuntime;
import dev.serverlesskit.local.StageModel;
import dev.serverlesskit.local.TemplateReader;
import dev.serverlesskit.local.gateway.Faults;
import dev.serverlesskit.local.gateway.Faults.Kind;
import dev.serverlesskit.local.gateway.Faults.Rule;
import dev.serverlesskit.local.gateway.Service;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The soak benchmark ({@code bench/soak}): the dev stage as cdk.json declares it (its throttling and reserved
 * concurrency), run by the local runtime on a data directory, takes N clicks through {@code POST /clicks} and
 * {@code POST /clicks/batch} while seeded faults hit the functions' DynamoDB and SQS calls and a seeded schedule
 * pauses, kills and restarts engines and crashes functions mid-invocation. Clients retry what was not accepted
 * (429 after Retry-After, 5xx and connection errors after a backoff) with the same click ids, as a tracker would.
 * After the queue drains, the ad counters are compared with what the API accepted per ad.
 *
 * <p>Args: {@code [clicks (20000)] [seed (1)] [clients (4)]}. Exits 1 when a click is lost, counted twice or valid
 * and in the dead-letter queue, 2 when the queue did not drain in time.
 */
public final class Soak {
    private static final String PROCESSOR = "AdClicksProcessorConsumerFunction";
    private static final String RECORD = "AdClicksRecordClick";
    private static final int ADS = 8;
    private static final int MAX_ATTEMPTS = 40;
    private static final long DRAIN_SECONDS = Long.getLong("soak.drainSeconds", 600);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Fault kinds and chaos events left out ({@code -Dsoak.off=CRASH,APPLY_THEN_CRASH,KILL}), to isolate one. */
    private static final List<String> KINDS_OFF = List.of(System.getProperty("soak.off", "").split(","));

    private final int clicks;
    private final long seed;
    private final int clients;
    private LocalRuntime runtime;
    private final Map<String, LongAdder> acceptedByAd = new ConcurrentHashMap<>();
    private final LongAdder retries = new LongAdder();
    private final LongAdder abandoned = new LongAdder();
    private final Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
    private final List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());

    private Soak(int clicks, long seed, int clients) {
        this.clicks = clicks;
        this.seed = seed;
        this.clients = clients;
    }

    public static void main(String[] args) throws Exception {
        int clicks = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 1;
        int clients = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        int code;
        try {
            code = new Soak(clicks, seed, clients).run();
        } catch (Exception e) {
            e.printStackTrace(System.out);
            code = 3;
        }
        System.exit(code); // the runtime's and the clients' threads would otherwise keep the JVM alive
    }

    private int run() throws Exception {
        System.out.println("== Soak: " + clicks + " clicks through the dev stage's API under seeded faults (seed "
                + seed + ", " + clients + " clients)");
        System.out.println(Machine.describe());
        Path cdkOut = BenchStage.soakCdkOut();
        int retryDelay = retryDelaySeconds(cdkOut);
        Path root = ProjectFiles.root();
        Path data = Files.createTempDirectory(Files.createDirectories(root.resolve("bench/target")), "soak-data");
        runtime = LocalRuntime.start(new LocalRuntime.Options("dev", cdkOut, 0, data, root,
                root.resolve("bench/target/soak-logs"), false, retryDelay, true));
        try {
            return soak(retryDelay);
        } finally {
            runtime.close();
        }
    }

    /**
     * The retry delay (the local stand-in for the visibility timeout): the processor's in-progress window plus a
     * second. The template's visibility timeout (six function timeouts, 60 s) is longer than that window (two, 20 s),
     * so on AWS the receive after a crashed invocation takes its claims over; the same holds here with this delay,
     * at a third of the wait. (ReliabilityTest uses the shortest delay the template allows, window / (receives - 1),
     * under which a crash costs two of the three receives.)
     */
    static int retryDelaySeconds(Path cdkOut) {
        StageModel model = TemplateReader.read(CloudAssembly.load(cdkOut, "dev"));
        StageModel.Function processor = model.functions().stream()
                .filter(f -> f.logicalId().startsWith(PROCESSOR)).findFirst().orElseThrow();
        return Integer.parseInt(processor.environment().get("IN_PROGRESS_TIMEOUT_SECONDS").asText()) + 1;
    }

    private int soak(int retryDelay) throws Exception {
        Faults faults = runtime.faults();
        faults.seed(seed);
        for (Rule r : rules()) {
            if (!KINDS_OFF.contains(r.kind().name())) {
                faults.add(r);
            }
        }
        System.out.println("retry delay " + retryDelay + " s (the local stand-in for the visibility timeout); rules:");
        faults.rules().forEach(a -> System.out.println("  #" + a.id() + " " + a.rule()));

        String campaign = "soak-" + seed + "-" + UUID.randomUUID().toString().substring(0, 8);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        String api = runtime.apiUrl().replaceAll("/$", "");
        AtomicInteger next = new AtomicInteger();
        AtomicBoolean sending = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(clients + 1);
        long t0 = System.nanoTime();
        Future<?> chaos = pool.submit(() -> chaos(sending));
        List<Future<?>> posting = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            SplittableRandom random = new SplittableRandom(seed * 1_000 + c);
            posting.add(pool.submit(() -> {
                while (true) {
                    // mostly batches of 1-10 (the route meant for volume), one request in five a single click
                    int n = random.nextInt(5) == 0 ? 1 : 1 + random.nextInt(10);
                    int first = next.getAndAdd(n);
                    if (first >= clicks) {
                        return null;
                    }
                    n = Math.min(n, clicks - first);
                    post(http, api, campaign, first, n, random);
                }
            }));
        }
        for (Future<?> f : posting) {
            f.get();
        }
        long posted = System.nanoTime();
        sending.set(false);
        chaos.get();
        pool.shutdownNow();
        System.out.printf("posted in %.1f s; draining the queue...%n", (posted - t0) / 1e9);
        boolean drained = awaitDrained();
        long done = System.nanoTime();
        System.out.println("faults injected:");
        faults.rules().forEach(a -> System.out.println("  #" + a.id() + " " + a.rule() + ": matched " + a.matched()
                + ", injected " + a.injected()));
        System.out.println("events (" + events.size() + "):");
        events.forEach(e -> System.out.println("  " + e));
        faults.clear();
        Thread.sleep(1_000); // a late write would show now

        Map<String, Long> counted = counted(campaign);
        long deadLettered = deadLettered(campaign);
        long accepted = 0;
        long lost = 0;
        long doubled = 0;
        long total = 0;
        for (int ad = 0; ad < ADS; ad++) {
            String id = "ad-" + ad;
            long a = acceptedByAd.getOrDefault(id, new LongAdder()).sum();
            long c = counted.getOrDefault(id, 0L);
            accepted += a;
            total += c;
            lost += Math.max(0, a - c);
            doubled += Math.max(0, c - a);
        }
        double seconds = (done - t0) / 1e9;
        System.out.println("statuses seen by the clients (every attempt): " + new TreeMap<>(statuses));
        System.out.printf("accepted %d (of %d sent; %d abandoned after %d attempts), counted %d, lost %d,"
                + " double-counted %d, in the DLQ %d, client retries %d%n", accepted, clicks, abandoned.sum(),
                MAX_ATTEMPTS, total, lost, doubled, deadLettered, retries.sum());
        System.out.printf("duration %.1f s (posting %.1f s, then draining), %.0f clicks/s accepted to counted%n",
                seconds, (posted - t0) / 1e9, total / seconds);
        if (!drained) {
            System.out.println("RESULT: FAILED (the clicks queue did not drain within " + DRAIN_SECONDS + " s)");
            return 2;
        }
        boolean ok = lost == 0 && doubled == 0 && deadLettered == 0;
        System.out.println("RESULT: " + (ok ? "OK (every accepted click counted once, none dead-lettered)"
                : "FAILED (lost, double-counted or dead-lettered clicks)"));
        return ok ? 0 : 1;
    }

    /** The seeded share of the functions' engine calls that fail, at rates the retries are meant to absorb. */
    private static List<Rule> rules() {
        return List.of(
                // the click processor's DynamoDB calls: claims, counter updates, completions. Its counter updates
                // are not retried by the SDK (a failed one is settled, then its clicks are retried with the message),
                // and the queue dead-letters after 3 receives: shares an order of magnitude above what DynamoDB's
                // own error rates are, yet below what three receives in a row absorb
                Rule.of(Service.DYNAMODB, Kind.THROTTLE).function(PROCESSOR).share(0.005),
                Rule.of(Service.DYNAMODB, Kind.ERROR_5XX).function(PROCESSOR).share(0.005),
                Rule.of(Service.DYNAMODB, Kind.APPLY_THEN_5XX).function(PROCESSOR).share(0.003),
                Rule.of(Service.DYNAMODB, Kind.TIMEOUT).function(PROCESSOR).share(0.001).limit(8),
                Rule.of(Service.DYNAMODB, Kind.APPLY_THEN_TIMEOUT).function(PROCESSOR).share(0.001).limit(8),
                // its environment dying mid-invocation, before or after a write is applied
                Rule.of(Service.DYNAMODB, Kind.CRASH).function(PROCESSOR).share(0.0005).limit(4),
                Rule.of(Service.DYNAMODB, Kind.APPLY_THEN_CRASH).function(PROCESSOR).share(0.0005).limit(4),
                // RecordClick's SendMessage: an applied-then-timeout send enqueues the click twice
                Rule.of(Service.SQS, Kind.THROTTLE).function(RECORD).share(0.01),
                Rule.of(Service.SQS, Kind.ERROR_5XX).function(RECORD).share(0.01),
                Rule.of(Service.SQS, Kind.TIMEOUT).function(RECORD).share(0.003).limit(10),
                Rule.of(Service.SQS, Kind.APPLY_THEN_TIMEOUT).function(RECORD).share(0.003).limit(10),
                // enqueued, then RecordClick dies: the client gets a 502 and sends the same click ids again
                Rule.of(Service.SQS, Kind.APPLY_THEN_CRASH).function(RECORD).share(0.002).limit(10),
                // the processor's poller: receives and deletes (a lost delete delivers a message again)
                Rule.of(Service.SQS, Kind.ERROR_5XX).function(PROCESSOR).share(0.01),
                Rule.of(Service.SQS, Kind.APPLY_THEN_TIMEOUT).function(PROCESSOR).operation("DeleteMessageBatch")
                        .share(0.01).limit(10));
    }

    /** While clicks are sent: every 8-16 s (seeded) one event from the schedule's rotation. */
    private Void chaos(AtomicBoolean sending) {
        SplittableRandom random = new SplittableRandom(seed * 7 + 3);
        Faults faults = runtime.faults();
        int n = 0;
        while (sending.get()) {
            if (!sleepWhile(sending, 8_000 + random.nextInt(8_000))) {
                break;
            }
            long t = System.currentTimeMillis();
            int event = n++ % 4;
            if (event == 2 && KINDS_OFF.contains("KILL") || event == 3 && KINDS_OFF.contains("CRASH")) {
                continue;
            }
            switch (event) {
                case 0 -> pause(faults, Service.DYNAMODB, 1_000 + random.nextInt(3_000));
                case 1 -> pause(faults, Service.SQS, 1_000 + random.nextInt(3_000));
                case 2 -> {
                    long ms = 500 + random.nextInt(2_000);
                    faults.kill(Service.DYNAMODB);
                    sleepWhile(new AtomicBoolean(true), ms);
                    long r0 = System.currentTimeMillis();
                    faults.restart(Service.DYNAMODB);
                    events.add("killed DynamoDB (SIGKILL), restarted after " + ms + " ms (up again in "
                            + (System.currentTimeMillis() - r0) + " ms)");
                }
                default -> {
                    String fn = random.nextBoolean() ? PROCESSOR : RECORD;
                    int ended = faults.crash(fn);
                    events.add("crashed the environment of " + fn + ": " + ended + " invocation(s) in flight");
                }
            }
            if (System.currentTimeMillis() - t > 60_000) {
                events.add("(an event took over a minute)");
            }
        }
        return null;
    }

    /** Pauses {@code service}'s engine for {@code ms}, then resumes it. */
    private void pause(Faults faults, Service service, long ms) {
        faults.pause(service);
        sleepWhile(new AtomicBoolean(true), ms);
        faults.resume(service);
        events.add("paused " + service.label() + " for " + ms + " ms");
    }

    private static boolean sleepWhile(AtomicBoolean flag, long ms) {
        long end = System.currentTimeMillis() + ms;
        while (flag.get() && System.currentTimeMillis() < end) {
            try {
                Thread.sleep(Math.min(200, Math.max(1, end - System.currentTimeMillis())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return flag.get();
    }

    /** Posts clicks {@code first..first+n-1} until accepted: the same click ids on every attempt. */
    private void post(HttpClient http, String api, String campaign, int first, int n, SplittableRandom random) {
        StringBuilder body = new StringBuilder();
        String[] ads = new String[n];
        for (int k = 0; k < n; k++) {
            ads[k] = "ad-" + random.nextInt(ADS);
            body.append(k == 0 ? "" : ",").append("{\"campaignId\":\"").append(campaign).append("\",\"adId\":\"")
                    .append(ads[k]).append("\",\"clickId\":\"").append(new UUID(random.nextLong(), random.nextLong()))
                    .append("\"}");
        }
        boolean single = n == 1 && random.nextBoolean();
        String json = single ? body.toString() : "{\"clicks\":[" + body + "]}";
        URI uri = URI.create(api + (single ? "/clicks" : "/clicks/batch"));
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            if (attempt > 1) {
                retries.increment();
            }
            int status;
            long wait;
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(40))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(), HttpResponse.BodyHandlers.ofString());
                status = r.statusCode();
                wait = r.headers().firstValue("Retry-After").map(s -> Long.parseLong(s.trim()) * 1000)
                        .orElse(Math.min(2_000L, 100L << Math.min(attempt, 5)));
            } catch (IOException e) {
                status = 0; // a connection error: the request may or may not have been served
                wait = Math.min(2_000L, 100L << Math.min(attempt, 5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            statuses.computeIfAbsent(status, s -> new LongAdder()).increment();
            if (status == 200 || status == 202) {
                for (String ad : ads) {
                    acceptedByAd.computeIfAbsent(ad, a -> new LongAdder()).increment();
                }
                return;
            }
            if (status >= 400 && status < 500 && status != 429 && status != 408) {
                throw new IllegalStateException("the API refused a valid request: " + status + " for " + json);
            }
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        abandoned.add(n);
    }

    /** Until the clicks queue has no message, visible, in flight or delayed. */
    private boolean awaitDrained() throws InterruptedException {
        SqsClient sqs = runtime.provisioner().sqs();
        String queue = runtime.queueUrl("AdClicksProcessorQueue");
        long deadline = System.currentTimeMillis() + DRAIN_SECONDS * 1000;
        while (System.currentTimeMillis() < deadline) {
            Map<QueueAttributeName, String> a = sqs.getQueueAttributes(b -> b.queueUrl(queue).attributeNames(
                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
            if (a.values().stream().mapToLong(Long::parseLong).sum() == 0) {
                return true;
            }
            Thread.sleep(500);
        }
        return false;
    }

    /** The campaign's counters per ad, as an admin reads them ({@code GET /campaigns/{id}/stats}). */
    private Map<String, Long> counted(String campaign) throws Exception {
        String token = new CognitoLocal(runtime.engines().cognitoEndpoint()).signIn(runtime.clientId(),
                LocalRuntime.ADMIN_USER, LocalRuntime.ADMIN_PASSWORD).idToken();
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(runtime.apiUrl().replaceAll("/$", "")
                + "/campaigns/" + campaign + "/stats")).header("Authorization", token).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("stats: " + r.statusCode() + " " + r.body());
        }
        Map<String, Long> counted = new TreeMap<>();
        JSON.readTree(r.body()).path("byAd").fields().forEachRemaining(e -> counted.put(e.getKey(),
                e.getValue().asLong()));
        return counted;
    }

    /** Valid clicks of the campaign in the dead-letter queue (a message holds one click or a batch). */
    private long deadLettered(String campaign) throws IOException {
        SqsClient sqs = runtime.provisioner().sqs();
        String dlq = runtime.queueUrl("AdClicksProcessorDeadLetterQueue");
        AtomicLong n = new AtomicLong();
        while (true) {
            List<Message> got = sqs.receiveMessage(b -> b.queueUrl(dlq).maxNumberOfMessages(10)
                    .visibilityTimeout(300)).messages();
            if (got.isEmpty()) {
                return n.get();
            }
            for (Message m : got) {
                JsonNode body = JSON.readTree(m.body());
                JsonNode list = body.has("clicks") ? body.path("clicks") : JSON.createArrayNode().add(body);
                list.forEach(c -> {
                    if (campaign.equals(c.path("campaignId").asText())) {
                        n.incrementAndGet();
                    }
                });
            }
        }
    }
}
