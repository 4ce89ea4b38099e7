package dev.serverlesskit.test;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.serverlesskit.constructs.DataTable;
import dev.serverlesskit.constructs.JavaFunction;
import dev.serverlesskit.infra.ServerlessKitStack;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.Stack;

/** Each function may do exactly what its handler does, on exactly the resources it uses. */
class LeastPrivilegeTest {
    private static ServerlessKitStack stack;
    private static CfnTemplate template;

    @BeforeAll
    static void synthesize() {
        stack = Synthesis.shared().stage("dev").getStack();
        template = new CfnTemplate(Synthesis.shared().templateJson("dev"));
    }

    private static String id(software.constructs.IConstruct construct) {
        return Stack.of(construct).resolve(Stack.of(construct).getLogicalId(
                (CfnElement) construct.getNode().getDefaultChild())).toString();
    }

    /** Actions by the logical id of the resource they apply to ("*" for wildcards), logs and X-Ray left out. */
    private static Map<String, Set<String>> permissions(JavaFunction fn) {
        Map<String, Set<String>> result = new TreeMap<>();
        for (JsonNode statement : template.statementsOfRole(id(fn.getRole()))) {
            assertThat(statement.path("Effect").asText()).isEqualTo("Allow");
            Set<String> targets = CfnTemplate.references(statement.path("Resource"));
            if (CfnTemplate.strings(statement.path("Resource")).contains("*")) {
                targets.add("*");
            }
            for (String action : CfnTemplate.strings(statement.path("Action"))) {
                if (action.startsWith("logs:") || action.startsWith("xray:")) {
                    continue;
                }
                for (String target : targets) {
                    result.computeIfAbsent(target, k -> new TreeSet<>()).add(action);
                }
            }
        }
        return result;
    }

    private static String table(DataTable table) {
        return id(table.getTable());
    }

    @Test
    void catalogFunctionsReadButNeverWrite() {
        var pets = table(stack.getPetStore().getPets());
        assertThat(permissions(stack.getPetStore().getListPets()))
                .isEqualTo(Map.of(pets, Set.of("dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan")));
        assertThat(permissions(stack.getPetStore().getGetPet()))
                .isEqualTo(Map.of(pets, Set.of("dynamodb:GetItem")));
        assertThat(permissions(stack.getPetStore().getAddPet()))
                .isEqualTo(Map.of(pets, Set.of("dynamodb:GetItem", "dynamodb:PutItem")));
    }

    @Test
    void purchasesTouchOnlyPetsAndTheirIdempotencyRecords() {
        var pets = table(stack.getPetStore().getPets());
        var requests = table(stack.getPetStore().getPurchaseRequests());
        assertThat(permissions(stack.getPetStore().getPurchasePet())).isEqualTo(Map.of(
                pets, Set.of("dynamodb:GetItem", "dynamodb:UpdateItem"),
                requests, Set.of("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem")));
        assertThat(permissions(stack.getPetStore().getListPurchases()))
                .isEqualTo(Map.of(pets, Set.of("dynamodb:GetItem", "dynamodb:Query")));
    }

    @Test
    void clickProcessorCannotReachPetsOrPurchases() {
        var clicks = table(stack.getAdClicks().getClicks());
        var queue = id(stack.getAdClicks().getWorker().getQueue());
        Map<String, Set<String>> processor = permissions(stack.getAdClicks().getWorker().getConsumer());
        assertThat(processor).containsOnlyKeys(clicks, queue);
        assertThat(processor.get(clicks)).containsExactlyInAnyOrder(
                "dynamodb:BatchWriteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem");
        assertThat(processor.get(queue)).contains("sqs:ReceiveMessage", "sqs:DeleteMessage")
                .noneMatch(action -> action.equals("sqs:SendMessage"));
    }

    @Test
    void clickIntakeOnlySendsToItsQueueAndStatsOnlyRead() {
        var queue = id(stack.getAdClicks().getWorker().getQueue());
        assertThat(permissions(stack.getAdClicks().getRecordClick()))
                .isEqualTo(Map.of(queue, Set.of("sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:SendMessage")));
        assertThat(permissions(stack.getAdClicks().getCampaignStats()))
                .isEqualTo(Map.of(table(stack.getAdClicks().getClicks()), Set.of("dynamodb:GetItem", "dynamodb:Query")));
    }
}
