package dev.serverlesskit.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.serverlesskit.tools.cfn.Json;
import dev.serverlesskit.tools.cost.Prices;
import dev.serverlesskit.tools.cost.Profile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The constructs README's generated sections: every construct with a footprint has its example, its footprint and a
 * summary row, all current; a construct that gains an alarm makes them stale; an API's footprint leaves out the
 * function it routes to.
 */
class ConstructSectionsTest {
    private static final Path FOOTPRINTS = Fixtures.root().resolve("constructs/footprints");

    private static ConstructSections sections(Path footprints) {
        return new ConstructSections(footprints, Profile.load(Fixtures.root().resolve("tools/traffic/default.json")),
                Prices.load());
    }

    @Test
    void theConstructsReadmeShowsEveryConstructsExampleAndFootprintAsGenerated() throws IOException {
        String readme = Files.readString(Fixtures.root().resolve("constructs/README.md"));
        ConstructSections sections = sections(FOOTPRINTS);

        List<String> expected = new ArrayList<>(List.of("summary constructs", "example Overview"));
        for (String c : sections.constructs()) {
            expected.add("footprint " + c);
            expected.add("example " + c);
        }
        assertThat(sections.constructs()).contains("Operations", "JavaFunction", "DataTable", "QueueWorker",
                "UserDirectory", "ServerlessApi");
        assertThat(sections.sections(readme)).containsAll(expected);
        assertThat(sections.stale(readme)).as("stale sections of constructs/README.md: run scripts/update-docs")
                .isEmpty();
        // No hand-written Java left in the README: every java block is a generated example.
        assertThat(readme.split("```java", -1).length - 1)
                .isEqualTo((int) sections.sections(readme).stream().filter(s -> s.startsWith("example"))
                        .count());
    }

    @Test
    void aConstructThatGainsAnAlarmMakesItsFootprintAndTheSummaryStale(@TempDir Path tmp) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("footprints"));
        for (String name : List.of("JavaFunction", "DataTable")) {
            Files.copy(FOOTPRINTS.resolve(name + ".template.json"), dir.resolve(name + ".template.json"));
        }
        ConstructSections before = sections(dir);
        String readme = "<!-- generated: footprint JavaFunction -->\n" + before.generate("footprint", "JavaFunction")
                + "<!-- end generated -->\n<!-- generated: summary constructs -->\n"
                + before.generate("summary", "constructs") + "<!-- end generated -->\n";
        assertThat(before.stale(readme)).isEmpty();
        assertThat(before.generate("footprint", "JavaFunction")).contains("| `CloudWatch::Alarm` | 4 |")
                .contains("**Costs $0.40 a month at zero traffic**");

        Path file = dir.resolve("JavaFunction.template.json");
        ObjectNode t = (ObjectNode) Json.read(file);
        ObjectNode resources = (ObjectNode) t.path("Resources");
        String alarm = resources.properties().stream().filter(e -> e.getValue().path("Type").asText()
                .equals("AWS::CloudWatch::Alarm")).map(Map.Entry::getKey).findFirst().orElseThrow();
        JsonNode copy = resources.get(alarm).deepCopy();
        ((ObjectNode) copy.path("Metadata")).put("aws:cdk:path", "Example/GetOrder/AnotherAlarm/Resource");
        resources.set("AnotherAlarm", copy);
        Files.writeString(file, Json.pretty(t));

        ConstructSections after = sections(dir);
        assertThat(after.stale(readme)).containsExactly("footprint JavaFunction", "summary constructs");
        assertThat(after.generate("footprint", "JavaFunction")).contains("| `CloudWatch::Alarm` | 5 |")
                .contains("**Costs $0.50 a month at zero traffic**");
    }

    @Test
    void anApisFootprintLeavesOutTheFunctionItRoutesToButNotItsInvokePermission() {
        String api = sections(FOOTPRINTS).generate("footprint", "ServerlessApi");

        assertThat(api).contains("| `Lambda::Permission` | 1 |", "| `CloudWatch::Alarm` | 3 |",
                "not counted: the JavaFunction it", "| `WAFv2::WebACL` | 1 |",
                "**Costs $6.30 a month at zero traffic**")
                .doesNotContain("Lambda::Function", "Lambda::Version", "Lambda compute");
    }

    @Test
    void theFixedChargesAtZeroTrafficAreTheOnesThatDoNotWaitForTraffic() {
        ConstructSections sections = sections(FOOTPRINTS);

        assertThat(sections.generate("footprint", "Operations"))
                .contains("| CloudWatch dashboard | 1 | $3.00 per dashboard-month", "| KMS key | 1 |",
                        "**Costs $4.00 a month at zero traffic**");
        // Lambda long-polls a queue with no messages: the one charge of an idle worker besides its alarms.
        assertThat(sections.generate("footprint", "QueueWorker")).contains("SQS empty receives of 1 polling consumer");
        // A metric math alarm is billed per metric: the table's system-errors alarm watches several operations.
        assertThat(sections.generate("footprint", "DataTable")).contains("| `CloudWatch::Alarm` | 2 |")
                .doesNotContain("**Costs $0.20 a month");
    }

    @Test
    void anExampleIsTheCompiledSourceBetweenItsMarkers() {
        String example = sections(FOOTPRINTS).generate("example", "JavaFunction");

        assertThat(example).startsWith("```java\nJavaFunction getOrder = new JavaFunction(scope, \"GetOrder\"")
                .doesNotContain("example:start", "example:end", "package ", "import ")
                .contains("](src/test/java/dev/serverlesskit/constructs/examples/JavaFunctionExample.java)");
    }
}
