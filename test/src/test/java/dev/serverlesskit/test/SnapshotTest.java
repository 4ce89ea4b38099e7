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
 * <p>A missing or changed snapshot fails, locally as in CI and in the pipeline's build. Snapshots are written only
 * when asked for: {@code ./scripts/test -Dsnapshot.update=true} after an intended infrastructure change, then
 * review {@code git diff test/snapshots} and commit.
 */
class SnapshotTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String UPDATE_PROPERTY = "snapshot.update";
    private static final String UPDATE_HINT = "./scripts/test -Dsnapshot.update=true (or -Dtest=SnapshotTest with"
            + " it), review git diff test/snapshots, commit.";

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
        check(snapshotFile(key), key, actual, Boolean.getBoolean(UPDATE_PROPERTY));
    }

    /**
     * Compares {@code actual} with the snapshot in {@code file}; writes it only when {@code update} (the explicit
     * {@code -Dsnapshot.update=true}). A missing or different snapshot fails everywhere else, CI or not.
     */
    static void check(Path file, String key, String actual, boolean update) throws IOException {
        if (update) {
            Files.createDirectories(file.getParent());
            Files.writeString(file, actual);
            return;
        }
        if (!Files.exists(file)) {
            fail("No snapshot " + display(file) + " for " + key + ". If the stack is new: " + UPDATE_HINT);
        }
        JsonNode expected = JSON.readTree(Files.readString(file));
        List<String> diff = TemplateDiff.diff(expected, JSON.readTree(actual));
        if (!diff.isEmpty()) {
            fail("Template " + key + " differs from " + display(file) + ":\n" + String.join("\n", diff)
                    + "\nIf the change is intended: " + UPDATE_HINT);
        }
        assertThat(JSON.readTree(actual)).isEqualTo(expected);
    }

    private static String display(Path file) {
        Path root = ProjectFiles.root();
        return file.toAbsolutePath().startsWith(root) ? root.relativize(file.toAbsolutePath()).toString()
                : file.toString();
    }
}
