package dev.serverlesskit.tools.capacity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.serverlesskit.tools.cfn.AppModel;
import dev.serverlesskit.tools.cfn.Json;
import dev.serverlesskit.tools.cfn.Stacks;
import dev.serverlesskit.tools.cfn.Template;
import dev.serverlesskit.tools.cost.Profile;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The limit each route and the click pipeline meet first as traffic grows, on the dev stage's template. */
class CapacityTest {
    private static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (!p.resolve("mvnw").toFile().exists()) {
            p = p.getParent();
        }
        return p;
    }

    private static AppModel dev(java.util.function.Consumer<ObjectNode> change) {
        ObjectNode t = (ObjectNode) Stacks.load(root().resolve("test/snapshots")).byKey().get("dev/ServerlessKit")
                .canonical().deepCopy();
        change.accept(t);
        return new AppModel(new Template(t, "dev/ServerlessKit", null));
    }

    private static final Profile LISTING = Profile.of(Json.parse(
            "{\"routes\": {\"GET /pets\": {\"requestsPerMonth\": 1, \"durationMs\": 50}}}"));

    @Test
    void aRouteIsLimitedByItsThrottleThenByItsFunctionsReservedConcurrencyOverItsDuration() {
        List<Capacity.Subject> subjects = Capacity.of(dev(t -> {
        }), LISTING);

        assertThat(subjects.get(0).describe()).isEqualTo("GET /pets: 20 rps (stage throttle), then 100 rps"
                + " (5 reserved × 1/0.05 s), then 10,000 rps (account API throttle, not in the template)");
        assertThat(subjects).filteredOn(s -> s.name().equals("POST /clicks")).singleElement()
                .extracting(Capacity.Subject::describe).isEqualTo("POST /clicks: 20 rps (route throttle), then"
                        + " 10,000 rps (account API throttle, not in the template)");
    }

    @Test
    void theClickPipelineMeetsItsIntakeThrottlesFirstThenTheTableThenTheProcessor() {
        Profile profile = Profile.load(root().resolve("tools/traffic/default.json")).forStage("dev");

        Capacity.Subject clicks = Capacity.of(dev(t -> {
        }), profile).stream().filter(s -> s.name().equals("clicks pipeline")).findFirst().orElseThrow();

        assertThat(clicks.describe()).isEqualTo("clicks pipeline: 220 clicks/s (POST /clicks 20 rps × 1"
                + " + POST /clicks/batch 20 rps × 10), then 1,666 clicks/s (5 reserved × 1/0.03 s, 10 a request),"
                + " then 2,857 clicks/s (Clicks: a new on-demand table takes 4,000 writes/s, 1.4 per unit, until it"
                + " has served more), then 3,125 clicks/s (5 concurrent × 25 messages × 10 / 0.4 s), then"
                + " 250,000 clicks/s (one campaign's counter: 1000 writes/s per partition, one write per batch of up"
                + " to 250); peak 0.2 clicks/s, headroom ×1,100");
    }

    @Test
    void aLowerReservedConcurrencyIsFlaggedAndAHigherOneIsNot() {
        AppModel before = dev(t -> {
        });
        AppModel lower = dev(t -> setReserved(t, 2));
        AppModel lowest = dev(t -> setReserved(t, 1));
        AppModel higher = dev(t -> setReserved(t, 9));
        Profile slow = Profile.of(Json.parse("{\"routes\": {\"GET /pets\": {\"durationMs\": 100}}}"));

        assertThat(Capacity.lowered(Capacity.of(before, LISTING), Capacity.of(lower, LISTING)))
                .containsExactly("GET /pets: 100 → 40 rps (2 reserved × 1/0.05 s)");
        assertThat(Capacity.lowered(Capacity.of(before, slow), Capacity.of(lowest, slow)))
                .containsExactly("GET /pets: 50 → 10 rps (1 reserved × 1/0.1 s), now the first limit");
        assertThat(Capacity.lowered(Capacity.of(before, LISTING), Capacity.of(higher, LISTING))).isEmpty();
    }

    @Test
    void withoutReservedConcurrencyTheAccountsConcurrencyIsTheLimitAndSaysSo() {
        AppModel unreserved = dev(t -> ((ObjectNode) t.path("Resources").get(listPets(t)).get("Properties"))
                .remove("ReservedConcurrentExecutions"));

        assertThat(Capacity.of(unreserved, LISTING).get(0).describe()).contains(
                "20,000 rps (account concurrency 1000 × 1/0.05 s, not reserved)");
    }

    private static void setReserved(ObjectNode t, int value) {
        ((ObjectNode) t.path("Resources").get(listPets(t)).get("Properties")).put("ReservedConcurrentExecutions",
                value);
    }

    private static String listPets(ObjectNode t) {
        return new AppModel(new Template(t, "dev/ServerlessKit", null)).route("GET /pets").orElseThrow().functionId();
    }
}
