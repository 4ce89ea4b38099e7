package dev.serverlesskit.test;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serverlesskit.infra.ProjectFiles;
import dev.serverlesskit.infra.ServerlessKitApp;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Synthesis is deterministic and the tests see what the CLI deploys: the app run as its own process, as
 * {@code scripts/synth} has {@code cdk synth} run it ({@code java @infra/target/synth.args}, with the context in
 * {@code CDK_CONTEXT_JSON} and the jsii kernel in one Node process, {@code scripts/lib/jsii-kernel}; the app's
 * classes directory stands in for its jar when {@code package} has not built it), writes templates byte-identical to
 * this JVM's synthesis, whose kernel runs under jsii's own launcher. A second JVM also catches order that depends on
 * per-process hashing (such as {@code Map.of}), which two syntheses in one JVM cannot.
 */
class DeterminismTest {

    @Test
    void theAppRunLikeTheCliWritesTheTemplatesTheTestsCheck() throws Exception {
        Path root = ProjectFiles.root();
        Path outdir = Files.createTempDirectory(root.resolve("test/target"), "cli-cdk.out-");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(appArguments(root));
        ProcessBuilder process = new ProcessBuilder(command)
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(root.resolve("test/target/cli-synth.log").toFile());
        process.environment().put("CDK_OUTDIR", outdir.toString());
        process.environment().put("CDK_CONTEXT_JSON", new ObjectMapper().writeValueAsString(ServerlessKitApp.cliContext()));
        // as scripts/synth sets it (the jsii Java runtime runs a JSII_RUNTIME with spaces through `sh -c`)
        process.environment().put("JSII_RUNTIME", "exec '" + root.resolve("scripts/lib/jsii-kernel") + "'");
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

    /**
     * The arguments of {@code infra/target/synth.args}. Its class path starts with the app's jar, which only
     * {@code package} builds: under {@code ./mvnw test}, or after a compile that left an older jar, the app's
     * classes directory stands in for it, so the app run is the code under test.
     */
    private static List<String> appArguments(Path root) throws IOException {
        List<String> args = new ArrayList<>(Files.readAllLines(root.resolve("infra/target/synth.args")));
        args.removeIf(String::isBlank);
        // ProcessBuilder passes each argument as is: the quotes the argument file needs for paths with spaces go
        args.replaceAll(arg -> arg.replace("\"", ""));
        int cp = args.indexOf("-cp") + 1;
        assertThat(cp).as("a -cp line in infra/target/synth.args").isPositive();
        String[] entries = args.get(cp).split(File.pathSeparator, 2);
        assertThat(entries).as("the app's jar and its dependencies on synth.args' class path").hasSize(2);
        Path jar = Path.of(entries[0]);
        Path classes = root.resolve("infra/target/classes");
        if (!Files.exists(jar) || Files.getLastModifiedTime(jar).compareTo(newest(classes)) < 0) {
            args.set(cp, classes + File.pathSeparator + entries[1]);
        }
        return args;
    }

    private static FileTime newest(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).map(f -> {
                try {
                    return Files.getLastModifiedTime(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).max(FileTime::compareTo).orElse(FileTime.fromMillis(0));
        }
    }
}
