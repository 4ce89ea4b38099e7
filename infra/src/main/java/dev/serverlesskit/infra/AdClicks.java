package dev.serverlesskit.infra;

import dev.serverlesskit.constructs.DataTable;
import dev.serverlesskit.constructs.DataTableProps;
import dev.serverlesskit.constructs.JavaFunction;
import dev.serverlesskit.constructs.Operations;
import dev.serverlesskit.constructs.QueueWorker;
import dev.serverlesskit.constructs.QueueWorkerProps;
import dev.serverlesskit.constructs.RouteAccess;
import dev.serverlesskit.constructs.RouteOptions;
import dev.serverlesskit.constructs.ServerlessApi;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.constructs.Construct;

/**
 * The ad-click pipeline: {@code POST /clicks} (and {@code POST /clicks/batch}, up to ten) validates and enqueues,
 * the processor aggregates clicks per campaign, ad and hour (deduplicated by click id), admins read
 * {@code GET /campaigns/{campaignId}/stats}.
 *
 * <p>The {@code Clicks} table holds both the per-hour counters ({@code CAMPAIGN#id} / {@code HOUR#..#AD#..}) and
 * the processor's dedupe markers ({@code CLICK#id}, expiring after a week).
 *
 * <p>The processor's claims on clicks (markers in progress) hold {@link #PROCESSOR_CLAIM} (twice its
 * {@link #PROCESSOR_TIMEOUT}): past the end of the invocation that made them, whatever it did, and over before the
 * next receive of the message (a visibility timeout, six function timeouts, later), which takes over what a crashed
 * or stalled invocation left. QueueWorker checks it against the redelivery policy and hands it to the processor.
 */
public class AdClicks extends Construct {
    /** The click processor's timeout (JavaFunction's default, stated because the claim window derives from it). */
    static final Duration PROCESSOR_TIMEOUT = Duration.seconds(10);
    /** How long a click's claim holds before another invocation may take it over: twice the processor's timeout. */
    static final Duration PROCESSOR_CLAIM = Duration.seconds(2 * PROCESSOR_TIMEOUT.toSeconds().intValue());

    private final DataTable clicks;
    private final JavaFunction recordClick;
    private final QueueWorker worker;
    private final JavaFunction campaignStats;

    public AdClicks(Construct scope, String id, ServerlessApi api, FunctionFactory functions, Operations operations,
                    StageConfig config) {
        super(scope, id);

        this.clicks = new DataTable(this, "Clicks", DataTableProps.builder()
                .partitionKey(Attribute.builder().name("pk").type(AttributeType.STRING).build())
                .sortKey(Attribute.builder().name("sk").type(AttributeType.STRING).build())
                .timeToLiveAttribute("expiresAt")
                .removalPolicy(config.removalPolicy())
                .operations(operations)
                .build());

        this.worker = new QueueWorker(this, "Processor", QueueWorkerProps.builder()
                .consumer(functions.props("click-processor", Handlers.PROCESS_CLICKS, config.processorConcurrency(),
                        Map.of("CLICKS_TABLE", clicks.getTable().getTableName())).toBuilder()
                        .timeout(PROCESSOR_TIMEOUT).build())
                .batchSize(25)
                .maxBatchingWindow(Duration.seconds(1))
                .maxReceiveCount(3)
                .inProgressTimeout(PROCESSOR_CLAIM)
                .operations(operations)
                .build());
        // BatchWriteItem: the processor completes a batch's click markers together (puts only). No DeleteItem:
        // claims are released by marking them, never deleted.
        clicks.getTable().grant(worker.getConsumer(), "dynamodb:PutItem", "dynamodb:GetItem",
                "dynamodb:UpdateItem", "dynamodb:BatchWriteItem");

        this.recordClick = functions.apiFunction(this, "RecordClick", "click-intake", Handlers.RECORD_CLICK,
                Map.of("CLICKS_QUEUE_URL", worker.getQueue().getQueueUrl()));
        // SendMessage only: grantSendMessages adds GetQueueAttributes and GetQueueUrl, which the intake never calls
        // (the end-to-end runs' least-privilege report listed them as unused)
        worker.getQueue().grant(recordClick, "sqs:SendMessage");
        // Deploy order: the processor's new version goes live before the intake's, so a message the new intake
        // sends is never read by the previous processor (a new message format would otherwise go to the DLQ while
        // both deploy; a rollback undoes them in the reverse order).
        recordClick.getAlias().getNode().addDependency(worker.getConsumer().getAlias());

        this.campaignStats = functions.apiFunction(this, "CampaignStats", "click-stats", Handlers.CAMPAIGN_STATS,
                Map.of("CLICKS_TABLE", clicks.getTable().getTableName()));
        // GetItem: SnapStart priming reads a key that never exists before the snapshot is taken.
        clicks.getTable().grant(campaignStats, "dynamodb:Query", "dynamodb:GetItem");

        api.addRoute("POST", "/clicks", recordClick.getAlias(),
                RouteAccess.publicAccess("ad clicks come from anonymous visitors of pages showing the ads"),
                RouteOptions.builder() // no request model: see PetStore's body routes
                        .throttlingRateLimit(config.clicksRateLimit())
                        .throttlingBurstLimit(config.clicksBurstLimit())
                        .build());
        // The same intake for trackers and ad servers that buffer clicks: up to RecordClickHandler.MAX_BATCH per
        // request in one SQS message, the same per-request throttle (so that many times the clicks per second).
        api.addRoute("POST", "/clicks/batch", recordClick.getAlias(),
                RouteAccess.publicAccess("batched ad clicks come from the trackers of pages showing the ads"),
                RouteOptions.builder()
                        .throttlingRateLimit(config.clicksRateLimit())
                        .throttlingBurstLimit(config.clicksBurstLimit())
                        .build());
        api.addRoute("GET", "/campaigns/{campaignId}/stats", campaignStats.getAlias(),
                RouteAccess.groups(ServerlessKitStack.ADMIN_GROUP));
    }

    public DataTable getClicks() {
        return clicks;
    }

    public JavaFunction getRecordClick() {
        return recordClick;
    }

    public QueueWorker getWorker() {
        return worker;
    }

    public JavaFunction getCampaignStats() {
        return campaignStats;
    }
}
