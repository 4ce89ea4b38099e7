package dev.serverlesskit.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlesskit.tools.cfn.Stacks;
import dev.serverlesskit.tools.cost.Prices;
import dev.serverlesskit.tools.cost.Profile;
import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * README.md shows the dev stage's diagram and the dev and prod cost tables as the tools generate them from the
 * committed snapshots: an infrastructure change that updates the snapshots makes this fail until
 * {@code scripts/update-docs} is run.
 */
class GeneratedDocsTest {
    @Test
    void theGeneratedSectionsOfTheReviewDocAreCurrent() throws IOException {
        String readme = Files.readString(Fixtures.root().resolve("README.md"));
        GeneratedSections sections = new GeneratedSections(Stacks.load(Fixtures.snapshots()),
                Profile.load(Fixtures.root().resolve("tools/traffic/default.json")), Prices.load());

        assertThat(sections.sections(readme)).contains("scripts/diagram --stage dev",
                "scripts/cost --stage prod", "scripts/cost --stage dev");
        assertThat(sections.stale(readme)).as("stale sections of README.md: run scripts/update-docs").isEmpty();
    }

    @Test
    void aChangedTemplateMakesTheDiagramStale() throws IOException {
        String readme = Files.readString(Fixtures.root().resolve("README.md"));
        var templates = Fixtures.templates();
        Fixtures.reservedConcurrency("dev/ServerlessKit", templates.get("dev/ServerlessKit"), "ListPets", 7);
        GeneratedSections changed = new GeneratedSections(Fixtures.stacks(templates),
                Profile.load(Fixtures.root().resolve("tools/traffic/default.json")), Prices.load());

        assertThat(changed.stale(readme)).contains("scripts/diagram --stage dev");
        assertThat(changed.stale(changed.update(readme))).isEmpty();
    }
}
