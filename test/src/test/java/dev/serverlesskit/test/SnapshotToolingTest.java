package dev.serverlesskit.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serverlesskit.infra.FunctionJars;
import dev.serverlesskit.infra.ProjectFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The snapshot machinery itself: normalization and a readable diff. */
class SnapshotToolingTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void normalizationHidesCodeHashesButNotWhichJarAFunctionUses() {
        String a = "{\"S3Key\":\"" + "a".repeat(64) + ".jar\",\"Other\":\"" + "c".repeat(64) + ".jar\","
                + "\"Cmd\":\"publish \\\"" + "a".repeat(64) + ":111111111111-eu-west-1-0a1b2c3d\\\"\","
                + "\"Ref\":\"FnCurrentVersion1A2B3C4D" + "0".repeat(32)
                + "\",\"MemorySize\":1024}";
        String b = a.replace("a".repeat(64), "b".repeat(64)).replace("c".repeat(64), "d".repeat(64))
                .replace("1A2B3C4D" + "0".repeat(32), "FFFFFFFF" + "f".repeat(32)).replace("0a1b2c3d", "9f8e7d6c");
        assertThat(SnapshotNormalizer.normalize(a)).isEqualTo(SnapshotNormalizer.normalize(b))
                .contains("\"<asset-1>.jar\"", "\"<asset-2>.jar\"", "publish \\\"<asset-1>:111111111111-eu-west-1-<destination>\\\"",
                        "CurrentVersion<asset-hash>");
        String swapped = "{\"S3Key\":\"" + "c".repeat(64) + ".jar\",\"Other\":\"" + "a".repeat(64) + ".jar\"}";
        String kept = "{\"S3Key\":\"" + "a".repeat(64) + ".jar\",\"Other\":\"" + "a".repeat(64) + ".jar\"}";
        assertThat(SnapshotNormalizer.normalize(swapped)).isNotEqualTo(SnapshotNormalizer.normalize(kept));
        assertThat(SnapshotNormalizer.normalize(a.replace("1024", "2048"))).isNotEqualTo(SnapshotNormalizer.normalize(b));
    }

    @Test
    void aChangedFunctionsJarChangesTheTemplateButNotItsSnapshot() throws Exception {
        Path changedJar = Files.createTempFile("functions-changed", ".jar");
        FunctionJars jars = ProjectFiles.functionJars();
        byte[] jar = Files.readAllBytes(jars.dynamodb());
        Files.write(changedJar, Arrays.copyOf(jar, jar.length + 1));
        Synthesis changed = Synthesis.withFunctionJars(new FunctionJars(changedJar, jars.sqs(), jars.delivery()));
        for (String template : new String[] {"dev", Synthesis.PIPELINE_KEY}) {
            String before = Synthesis.shared().template(template);
            String after = changed.template(template);
            assertThat(after).as(template).isNotEqualTo(before);
            assertThat(SnapshotNormalizer.normalize(after)).as(template).isEqualTo(SnapshotNormalizer.normalize(before));
        }
    }

    @Test
    void aMissingOrChangedSnapshotFailsAndIsNotWrittenUnlessAnUpdateIsAsked(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("dev-Stack.template.json");
        String template = "{\"Resources\":{\"Fn\":{\"Type\":\"AWS::Lambda::Function\"}}}";

        assertThatThrownBy(() -> SnapshotTest.check(file, "dev/Stack", template, false))
                .isInstanceOf(AssertionError.class).hasMessageContaining("No snapshot");
        assertThat(file).doesNotExist();

        SnapshotTest.check(file, "dev/Stack", template, true); // -Dsnapshot.update=true
        assertThat(file).hasContent(template);
        SnapshotTest.check(file, "dev/Stack", template, false);

        String changed = template.replace("Function", "Alias");
        assertThatThrownBy(() -> SnapshotTest.check(file, "dev/Stack", changed, false))
                .isInstanceOf(AssertionError.class).hasMessageContaining("differs");
        assertThat(file).hasContent(template);
    }

    @Test
    void diffNamesTheResourceItsTypeAndTheChangedProperty() throws Exception {
        var before = JSON.readTree("{\"Resources\":{\"Fn\":{\"Type\":\"AWS::Lambda::Function\",\"Properties\":"
                + "{\"MemorySize\":1024,\"Timeout\":10}},\"Old\":{\"Type\":\"AWS::SQS::Queue\"}}}");
        var after = JSON.readTree("{\"Resources\":{\"Fn\":{\"Type\":\"AWS::Lambda::Function\",\"Properties\":"
                + "{\"MemorySize\":2048,\"Timeout\":10}},\"New\":{\"Type\":\"AWS::SNS::Topic\"}}}");
        assertThat(TemplateDiff.diff(before, after)).containsExactly(
                "~ Resources.Fn (AWS::Lambda::Function)",
                "    ~ Properties.MemorySize: 1024 -> 2048",
                "+ Resources.New (AWS::SNS::Topic) added",
                "- Resources.Old (AWS::SQS::Queue) removed");
        assertThat(TemplateDiff.diff(before, before)).isEmpty();
    }
}
