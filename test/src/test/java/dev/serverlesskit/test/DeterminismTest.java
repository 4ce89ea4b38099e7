package dev.serverlesskit.test;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.cxapi.CloudAssembly;
import software.amazon.awscdk.cxapi.CloudFormationStackArtifact;

/**
 * What the tests check is what the CDK CLI synthesizes, and synthesis is deterministic. The project's pinned CLI
 * runs {@code cdk synth} here, in a process of its own, with {@code cdk.json} and the app's command line of
 * {@code infra/target/synth.args} (through {@link RecordingApp}, which records the context the CLI passes): the app
 * gets exactly what the CLI gives it. Then every template it wrote, the pipeline's included, must be byte-identical
 * to this JVM's synthesis ({@link Synthesis}), and the context the CLI passed must be the one the tests and
 * {@code scripts/synth} give the app ({@link ServerlessKitApp#cliContext()}). A second JVM also catches order that
 * depends on per-process hashing (such as {@code Map.of}), which two syntheses in one JVM cannot.
 */
class DeterminismTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The CLI's switch that it, not the app, reports validation failures; absent when the app runs on its own. */
    private static final String CLI_REPORTS_VALIDATION = "@aws-cdk/core:failSynthOnValidationErrors";

    private static Path outdir;
    private static Path recordedContext;

    @BeforeAll
    static void synthesizeWithTheCli() throws Exception {
        Path root = ProjectFiles.root();
        Path work = Files.createTempDirectory(root.resolve("test/target"), "cli-synth-");
        outdir = work.resolve("cdk.out");
        recordedContext = work.resolve("cli-context.json");
        Path argsFile = work.resolve("app.args");
        Files.write(argsFile, appArguments(root, recordedContext));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path node = root.resolve("node_modules/node/bin/node");
        Path cdk = root.resolve("node_modules/aws-cdk/bin/cdk");
        ProcessBuilder cli = new ProcessBuilder(node.toString(), cdk.toString(), "synth", "--quiet", "--no-notices",
                "--output", outdir.toString(), "--app", java + " @" + root.relativize(argsFile))
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("cli-synth.log").toFile());
        cli.environment().put("PATH", node.getParent() + File.pathSeparator + System.getenv("PATH"));
        // aws-cdk-lib's CloudFormation rule check writes a report and may fail the synthesis, but never changes a
        // template; the shared synthesis runs it.
        cli.environment().put("CDK_VALIDATION", "false");
        Process synth = cli.start();
        assertThat(synth.waitFor(5, TimeUnit.MINUTES)).as("cdk synth finished").isTrue();
        assertThat(synth.exitValue()).as("cdk synth's exit code, see " + root.relativize(work) + "/cli-synth.log")
                .isZero();
    }

    @Test
    void everyTemplateTheCliSynthesizesIsTheTestsTemplate() throws IOException {
        Map<String, String> cli = new TreeMap<>();
        for (CloudFormationStackArtifact stack : new CloudAssembly(outdir.toString()).getStacksRecursively()) {
            String path = stack.getHierarchicalId(); // "dev/ServerlessKit", "Pipeline"
            String name = path.contains("/") ? path : Synthesis.PIPELINE_KEY; // the only stack outside a stage
            cli.put(name, Files.readString(Path.of(stack.getTemplateFullPath())));
        }
        Map<String, String> tests = new TreeMap<>(Synthesis.shared().templates());
        assertThat(cli.keySet()).as("the stacks the CLI synthesized").isEqualTo(tests.keySet())
                .contains(Synthesis.PIPELINE_KEY, "dev/ServerlessKit", "staging/ServerlessKit", "prod/ServerlessKit");
        cli.forEach((name, template) -> assertThat(template).as(name).isEqualTo(tests.get(name)));
    }

    @Test
    void theCliPassesTheContextTheTestsAndScriptsSynthGiveTheApp() throws IOException {
        assertThat(recordedContext).as("the app run by the CLI recorded CDK_CONTEXT_JSON").exists();
        ObjectNode passed = (ObjectNode) JSON.readTree(recordedContext.toFile());
        assertThat(passed.path(CLI_REPORTS_VALIDATION).asBoolean(true)).as(CLI_REPORTS_VALIDATION).isFalse();
        passed.remove(CLI_REPORTS_VALIDATION);
        JsonNode ours = JSON.valueToTree(ServerlessKitApp.cliContext());
        assertThat(names(ours)).as("context keys").isEqualTo(names(passed));
        assertThat(ours).isEqualTo(passed);
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names.stream().sorted().collect(Collectors.toList());
    }

    /**
     * The lines of {@code infra/target/synth.args} (the app's JVM flags and class path), with {@link RecordingApp}
     * for the app's main class and the test classes on the class path. The class path starts with the
     * app's jar, which only {@code package} builds: under {@code ./mvnw test}, or after a compile that left an
     * older jar, the app's classes directory stands in for it, so the app run is the code under test.
     */
    private static List<String> appArguments(Path root, Path record) throws IOException {
        List<String> args = new ArrayList<>(Files.readAllLines(root.resolve("infra/target/synth.args")));
        args.removeIf(String::isBlank);
        int cp = args.indexOf("-cp") + 1;
        assertThat(cp).as("a -cp line in infra/target/synth.args").isPositive();
        String[] entries = args.get(cp).replace("\"", "").split(File.pathSeparator, 2);
        assertThat(entries).as("the app's jar and its dependencies on synth.args' class path").hasSize(2);
        Path jar = Path.of(entries[0]);
        Path classes = root.resolve("infra/target/classes");
        String app = !Files.exists(jar) || Files.getLastModifiedTime(jar).compareTo(newest(classes)) < 0
                ? classes.toString() : jar.toString();
        Path testClasses = root.resolve("test/target/test-classes");
        args.set(cp, quoted(testClasses + File.pathSeparator + app + File.pathSeparator + entries[1]));
        String main = args.remove(args.size() - 1);
        assertThat(main).as("the app's main class, last in synth.args").isEqualTo(ServerlessKitApp.class.getName());
        args.add("-D" + RecordingApp.RECORD + "=" + quoted(record.toString()));
        args.add(RecordingApp.class.getName());
        return args;
    }

    private static String quoted(String value) {
        return "\"" + value + "\"";
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
