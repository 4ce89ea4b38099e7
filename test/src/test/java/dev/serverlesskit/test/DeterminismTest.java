package dev.serverlesskit.test;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serverlesskit.infra.ProjectFiles;
import dev.serverlesskit.infra.ServerlessKitApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Synthesis is deterministic and the tests see what the CLI deploys: the app run as its own process, exactly as
 * {@code cdk synth} runs it ({@code java @infra/target/synth.args} with the context in {@code CDK_CONTEXT_JSON}),
 * writes templates byte-identical to this JVM's synthesis. A second JVM also catches order that depends on
 * per-process hashing (such as {@code Map.of}), which two syntheses in one JVM cannot.
 */
class DeterminismTest {

    @Test
    void theAppRunLikeTheCliWritesTheTemplatesTheTestsCheck() throws Exception {
        Path root = ProjectFiles.root();
        Path outdir = Files.createTempDirectory(root.resolve("test/target"), "cli-cdk.out-");
        ProcessBuilder process = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "@infra/target/synth.args")
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(root.resolve("test/target/cli-synth.log").toFile());
        process.environment().put("CDK_OUTDIR", outdir.toString());
        process.environment().put("CDK_CONTEXT_JSON", new ObjectMapper().writeValueAsString(ServerlessKitApp.cliContext()));
        Process synth = process.start();
        assertThat(synth.waitFor(5, TimeUnit.MINUTES)).as("synthesis finished").isTrue();
        assertThat(synth.exitValue()).as("exit code, see test/target/cli-synth.log").isZero();

        Synthesis shared = Synthesis.shared();
        for (String stage : new String[] {"dev", "staging", "prod"}) {
            Path template;
            try (Stream<Path> files = Files.list(outdir.resolve("assembly-" + stage))) {
                template = files.filter(f -> f.toString().endsWith(".template.json")).findFirst().orElseThrow();
            }
            assertThat(Files.readString(template)).as(stage).isEqualTo(shared.template(stage));
        }
    }
}
