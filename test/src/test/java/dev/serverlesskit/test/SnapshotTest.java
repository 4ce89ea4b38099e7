package dev.serverlesskit.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serverlesskit.infra.ProjectFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every stage's and stack's whole template, asset hashes normalized, against the snapshot committed under
 * {@code test/snapshots/}. A difference fails with the resources and properties that changed.
 *
 * <p>Update after an intended infrastructure change: {@code ./mvnw verify -Dsnapshot.update=true}, then review
 * and commit the snapshot files. A missing snapshot is written locally but fails under CI ({@code CI=true}).
 */
class SnapshotTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Path snapshotDir() {
        return ProjectFiles.root().resolve("test/snapshots");
    }

    static Path snapshotFile(String key) {
        return snapshotDir().resolve(key.replace('/', '-') + ".template.json");
    }

    @TestFactory
    Stream<DynamicTest> everyStageAndStackMatchesItsSnapshot() {
        return Synthesis.shared().templates().entrySet().stream().map(entry -> DynamicTest.dynamicTest(
                entry.getKey(), () -> check(entry.getKey(), SnapshotNormalizer.normalize(entry.getValue()))));
    }

    private static void check(String key, String actual) throws IOException {
        Path file = snapshotFile(key);
        boolean update = Boolean.getBoolean("snapshot.update");
        if (update || !Files.exists(file)) {
            if (!update && "true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("No snapshot " + ProjectFiles.root().relativize(file) + " for " + key
                        + ": run ./mvnw verify -Dsnapshot.update=true and commit it");
            }
            Files.createDirectories(file.getParent());
            Files.writeString(file, actual);
            return;
        }
        JsonNode expected = JSON.readTree(Files.readString(file));
        List<String> diff = TemplateDiff.diff(expected, JSON.readTree(actual));
        if (!diff.isEmpty()) {
            fail("Template " + key + " differs from " + ProjectFiles.root().relativize(file) + ":\n"
                    + String.join("\n", diff)
                    + "\nIf the change is intended: ./mvnw verify -Dsnapshot.update=true, review, commit.");
        }
        assertThat(JSON.readTree(actual)).isEqualTo(expected);
    }
}
