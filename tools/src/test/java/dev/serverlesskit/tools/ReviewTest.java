package dev.serverlesskit.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.serverlesskit.tools.cfn.Stacks;
import dev.serverlesskit.tools.cost.Prices;
import dev.serverlesskit.tools.cost.Profile;
import dev.serverlesskit.tools.review.Acknowledgments;
import dev.serverlesskit.tools.review.CodeVersions;
import dev.serverlesskit.tools.review.Review;
import dev.serverlesskit.tools.review.ReviewReport;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The six changes a reviewer meets, each applied to a copy of every stage's committed template: the report's verdict,
 * risk, access and IAM lines, and whether the check fails.
 */
class ReviewTest {
    private static final Profile PROFILE = Profile.load(Fixtures.root().resolve("tools/traffic/default.json"));

    private record Result(String markdown, ReviewReport.Outcome outcome) {
    }

    private static Result review(Consumer<Map<String, ObjectNode>> change, Acknowledgments acks) {
        Map<String, ObjectNode> before = Fixtures.templates();
        Map<String, ObjectNode> after = Fixtures.templates();
        change.accept(after);
        Stacks base = Fixtures.stacks(before);
        Stacks head = Fixtures.stacks(after);
        List<Review.StageResult> results = new Review(PROFILE, Prices.load(), new CodeVersions(List.of()))
                .review(base, head);
        ReviewReport.Outcome outcome = ReviewReport.render(results, acks, "Infrastructure review");
        return new Result(outcome.doc().markdown(0), outcome);
    }

    private static Result review(Consumer<Map<String, ObjectNode>> change) {
        return review(change, Acknowledgments.none());
    }

    private static void everyStage(Map<String, ObjectNode> templates, java.util.function.BiConsumer<String,
            ObjectNode> change) {
        Fixtures.stageKeys(templates).forEach(k -> change.accept(k, templates.get(k)));
    }

    @Test
    void aNewGrantIsOneLinePerActionFunctionAndResourceAndFailsTheCheck() {
        Result r = review(t -> everyStage(t, (k, tpl) -> Fixtures.grant(k, tpl, "AddPet", "dynamodb:DeleteItem")));

        assertThat(r.markdown()).contains(
                "| dev, staging, prod (same in each) | 0 | 1 | 0 | 0 | **1 broadened** | none | $0.00 | — | — |",
                "| tools | no changes |");
        assertThat(r.markdown()).contains("### IAM\n\n**dev, staging, prod (same in each)**\n\n"
                + "- +dynamodb:DeleteItem on Pets for AddPet ⚠\n");
        assertThat(r.markdown()).doesNotContain("IAM Statement Changes", "(NOTE: There may be security-related");
        assertThat(r.outcome().passes()).isFalse();
        assertThat(r.markdown()).contains("iam dev,staging,prod AddPet +dynamodb:DeleteItem --");

        Result acknowledged = review(t -> everyStage(t, (k, tpl) -> Fixtures.grant(k, tpl, "AddPet",
                "dynamodb:DeleteItem")), Acknowledgments.parse(List.of(
                        "iam * AddPet +dynamodb:DeleteItem -- admins remove sold-out pets"), "a"));
        assertThat(acknowledged.outcome().passes()).isTrue();
        assertThat(acknowledged.outcome().stale()).isEmpty();
        assertThat(acknowledged.markdown()).contains("**Check: passes**, with 3 acknowledged findings.",
                "acknowledged: admins remove sold-out pets");
    }

    @Test
    void aTableKeyChangeDestroysDataInDevAndLeavesTheOldTableInProd() {
        Result r = review(t -> everyStage(t, (k, tpl) -> Fixtures.tableKey(tpl, "/Pets/Table/Resource", "id")));

        assertThat(r.markdown()).contains(
                "| dev, staging, prod (same in each) | 0 | 0 | 1 ⚠ | 0 | none | none | $0.00 | — | — |");
        assertThat(r.markdown()).contains("### Risk\n\n**dev, staging (same in each)**\n\n"
                + "- **PetStore/Pets/Table** (DynamoDB Table) replaced (KeySchema): a new empty table; the old one is"
                + " deleted with its items (UpdateReplacePolicy Delete)\n\n**prod**\n\n"
                + "- **PetStore/Pets/Table** (DynamoDB Table) replaced (KeySchema): a new empty table; the old one is"
                + " retained with its items, no longer used by the stack (UpdateReplacePolicy Retain)\n");
        assertThat(r.markdown()).contains("    - KeySchema[petId]: {\"AttributeName\":\"petId\",\"KeyType\":\"HASH\"}\n"
                + "    + KeySchema[id]: {\"AttributeName\":\"id\",\"KeyType\":\"HASH\"}");
        assertThat(r.outcome().passes()).isFalse();
        assertThat(r.outcome().unacknowledged()).extracting(f -> f.kind() + " " + f.stage())
                .containsExactly("destroy dev", "destroy staging", "destroy prod");
        assertThat(r.markdown()).contains("destroy dev,staging PetStore/Pets/Table -- ",
                "destroy prod PetStore/Pets/Table -- ");
    }

    @Test
    void oneStagesConcurrencyChangesOnlyThatStageAndLowersItsCapacity() {
        Result r = review(t -> {
            Fixtures.reservedConcurrency("prod/ServerlessKit", t.get("prod/ServerlessKit"), "ListPets", 10);
            Fixtures.alarmThreshold(t.get("prod/ServerlessKit"), "/ListPets/ConcurrencyAlarm/Resource", 8);
        });

        assertThat(r.markdown()).contains("| dev, staging, tools (same in each) | no changes |",
                "| prod | 0 | 2 | 0 | 0 | none | none | $0.00 | **1 lowered** | — |");
        assertThat(r.markdown()).contains("### Capacity (limits lowered)\n\n**prod**\n\n"
                + "- GET /pets: 833 → 166 rps (10 reserved × 1/0.06 s), now the first limit\n");
        assertThat(r.markdown()).contains("~ PetStore/ListPets/Function (Lambda Function)\n"
                + "    ~ ReservedConcurrentExecutions: 50 → 10\n"
                + "~ PetStore/ListPets/ConcurrencyAlarm (CloudWatch Alarm)\n"
                + "    ~ Threshold: 40 → 8\n");
        assertThat(r.markdown()).doesNotContain("### Risk", "### Access", "### IAM");
        assertThat(r.outcome().passes()).isTrue();
    }

    @Test
    void aRouteMadePublicIsAnAccessBroadeningThatFailsTheCheckUnlessAcknowledged() {
        Consumer<Map<String, ObjectNode>> change = t -> everyStage(t, (k, tpl) -> Fixtures.makePublic(k, tpl,
                "POST /pets", "Partners add pets from their own systems"));
        Result r = review(change);

        assertThat(r.markdown()).contains(
                "| dev, staging, prod (same in each) | 0 | 1 | 0 | 0 | none | 1 (**1 broadened**) | $0.00 | — |"
                        + " — |");
        assertThat(r.markdown()).contains("### Access\n\n**dev, staging, prod (same in each)**\n\n"
                + "| Route | Before | After |\n|---|---|---|\n"
                + "| POST /pets ⚠ | group admins (Cognito: Users) | **public: \"Partners add pets from their own"
                + " systems\"** (⚠ the function enforces groups:admins) |\n");
        assertThat(r.markdown()).contains("| access | dev, staging, prod | POST /pets: groups:admins → public |"
                + " **not acknowledged** |");
        assertThat(r.markdown()).contains("routine: a new deployment of the API\n");
        assertThat(r.outcome().passes()).isFalse();

        Result acknowledged = review(change, Acknowledgments.parse(List.of(
                "access * POST /pets -- partners' systems add pets (issue 42)"), "a"));
        assertThat(acknowledged.outcome().passes()).isTrue();

        Result onlyDev = review(change, Acknowledgments.parse(List.of(
                "access dev POST /pets -- tried in dev first"), "a"));
        assertThat(onlyDev.outcome().passes()).isFalse();
        assertThat(onlyDev.markdown()).contains("**not acknowledged** in staging, prod",
                "access staging,prod POST /pets -- ");
    }

    /** (The concurrency alarm: the errors, throttles and duration alarms are also a deployment's rollback alarms.) */
    @Test
    void aRemovedAlarmIsOneDashboardWidgetAndNotDestructive() {
        Result r = review(t -> everyStage(t, (k, tpl) -> Fixtures.removeAlarm(tpl,
                "/ListPets/ConcurrencyAlarm/Resource")));

        assertThat(r.markdown()).contains(
                "| dev, staging, prod (same in each) | 0 | 1 | 0 | 1 | none | none | -$0.10 | — | — |");
        assertThat(r.markdown()).contains("- PetStore/ListPets/ConcurrencyAlarm (CloudWatch Alarm)\n"
                + "~ Operations/Dashboard (CloudWatch Dashboard)\n"
                + "    - widget \"PetStore/ListPets/ConcurrencyAlarm\" (metric)\n");
        assertThat(r.markdown()).doesNotContain("\\\"", "### Risk");
        assertThat(r.outcome().passes()).isTrue();
    }

    @Test
    void aChangedAlarmShowsItsPropertyOnly() {
        Result r = review(t -> everyStage(t, (k, tpl) -> Fixtures.alarmThreshold(tpl,
                "/ListPets/ErrorsAlarm/Resource", 5)));

        assertThat(r.markdown()).contains("~ PetStore/ListPets/ErrorsAlarm (CloudWatch Alarm)\n"
                + "    ~ Threshold: 1 → 5\n");
        assertThat(r.markdown()).contains("| dev, staging, prod (same in each) | 0 | 1 | 0 | 0 | none | none |");
        assertThat(r.outcome().passes()).isTrue();
    }

    @Test
    void aNewLogicalIdReplacesTheResourceAndWhatMustPointAtTheNewOne() {
        Result r = review(t -> {
            ObjectNode dev = t.get("dev/ServerlessKit");
            Fixtures.renameLogicalId(dev, Fixtures.byPath(dev, "AWS::SQS::Queue", "/Processor/Queue/Resource"),
                    "ClickQueue");
        });

        assertThat(r.markdown()).contains("- **AdClicks/Processor/Queue** (SQS Queue) replaced (logical id changed ("
                + "AdClicksProcessorQueueEEB4A5D8 → ClickQueue)): a new empty queue; the old one is deleted with the"
                + " messages in it (UpdateReplacePolicy Delete)\n");
        assertThat(r.markdown()).contains("± replaced (EventSourceArn refers to a replaced resource): AdClicks/"
                + "Processor/Consumer/Alias/SqsEventSource:devServerlessKitAdClicksProcessorQueue213CFA7C");
        assertThat(r.markdown()).contains("| dev | 0 | 0 | 2 ⚠ | 0 | none | none | $0.00 | — | — |");
    }

    @Test
    void noChangeSaysSoAndPasses() {
        Result r = review(t -> {
        });
        assertThat(r.outcome().passes()).isTrue();
        assertThat(r.markdown()).contains("**Check: passes.**");
        assertThat(r.markdown()).doesNotContain("| Stage |");
    }
}
