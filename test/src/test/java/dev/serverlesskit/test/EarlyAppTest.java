package dev.serverlesskit.test;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlesskit.infra.ProjectFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/synth's early app (scripts/lib/synth-env.sh, scripts/lib/cli-app): its result stands for the CLI's run of
 * the app only when the CLI gives the app exactly the environment the early app got; otherwise the early app is
 * stopped and the app runs again. Driven through the scripts themselves, with a stand-in app that writes a manifest
 * naming the output directory it was given and prints it.
 */
class EarlyAppTest {
    /** The stand-in app: writes and prints its CDK_OUTDIR, then exits 3 (a status cli-app must pass on). */
    private static final String APP = "sh -c 'sleep \"${APP_SECONDS:-0}\"; mkdir -p \"$CDK_OUTDIR\";"
            + " echo \"$CDK_OUTDIR\" > \"$CDK_OUTDIR/manifest.json\"; echo \"app ran with $CDK_OUTDIR\";"
            + " [ ! -f \"$CDK_OUTDIR/asset.1.jar\" ] || echo \"staged asset found\"; exit 3'";

    @TempDir
    Path tmp;

    @Test
    void theCliGivingTheRecordedEnvironmentTakesTheEarlyAppsResult() throws Exception {
        Path out = Files.createDirectory(tmp.resolve("out"));
        Files.writeString(tmp.resolve("record"), "CDK_OUTDIR=" + out + "\n");
        Files.writeString(out.resolve("asset.1.jar"), "a function jar staged by an earlier synthesis");

        Result result = synth("CDK_OUTDIR=" + out, "0");

        assertThat(result.output).as("the early app wrote to a directory of its own")
                .contains("app ran with " + out + "/.early-app-").doesNotContain("another environment");
        assertThat(result.exitCode).as("the early app's status").isEqualTo(3);
        assertThat(result.appRuns).as("the app ran once, early").isEqualTo(1);
        assertThat(Files.readString(out.resolve("manifest.json"))).as("its assembly, moved into the CLI's outdir")
                .startsWith(out + "/.early-app-");
        assertThat(result.output).as("the staged asset, linked into the early app's directory (CDK copies no asset"
                + " that is there)").contains("staged asset found");
        try (Stream<Path> left = Files.list(out)) {
            assertThat(left).as("nothing left of the early app's directory")
                    .containsExactlyInAnyOrder(out.resolve("manifest.json"), out.resolve("asset.1.jar"));
        }
        assertThat(Files.readString(out.resolve("asset.1.jar"))).isEqualTo("a function jar staged by an earlier"
                + " synthesis");
    }

    @Test
    void anotherEnvironmentStopsTheEarlyAppAndRunsTheAppWithIt() throws Exception {
        Files.writeString(tmp.resolve("record"), "CDK_OUTDIR=" + tmp.resolve("out") + "\n");
        Path elsewhere = tmp.resolve("elsewhere");

        // the early app would take 30 s: it must be stopped, not waited for
        long start = System.nanoTime();
        Result result = synth("CDK_OUTDIR=" + elsewhere, "30");

        assertThat(result.output).contains("another environment than last time")
                .contains("app ran with " + elsewhere).doesNotContain(".early-app-");
        assertThat(result.exitCode).isEqualTo(3);
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(20);
        assertThat(Files.readString(elsewhere.resolve("manifest.json"))).isEqualTo(elsewhere + "\n");
        try (Stream<Path> left = Files.list(tmp.resolve("out"))) {
            assertThat(left).as("the stopped early app's directory, removed").isEmpty();
        }
        assertThat(Files.readString(tmp.resolve("record"))).as("what the CLI added, for next time")
                .isEqualTo("CDK_OUTDIR=" + elsewhere + "\n");
    }

    @Test
    void theCliRunningTheAppAgainAfterContextLookupsGetsTheAppItself() throws Exception {
        Path out = tmp.resolve("out");
        Files.writeString(tmp.resolve("record"), "CDK_OUTDIR=" + out + "\n");

        Result result = synth("CDK_OUTDIR=" + out, "0", 2);

        assertThat(result.appRuns).as("the early app once, then the app itself").isEqualTo(2);
        assertThat(result.output).contains("app ran with " + out + "/.early-app-")
                .contains("app ran with " + out + "\n");
        assertThat(Files.readString(out.resolve("manifest.json"))).as("the second run's assembly")
                .isEqualTo(out + "\n");
    }

    @Test
    void withoutARecordTheAppRunsOnceAndTheCliEnvironmentIsRecorded() throws Exception {
        Path out = tmp.resolve("out");

        Result result = synth("CDK_OUTDIR=" + out, "0");

        assertThat(result.output).contains("app ran with " + out);
        assertThat(result.appRuns).isEqualTo(1);
        assertThat(Files.readString(tmp.resolve("record"))).isEqualTo("CDK_OUTDIR=" + out + "\n");
    }

    private record Result(String output, int exitCode, int appRuns) {
    }

    /**
     * What scripts/synth does around the CLI: snapshot its environment, start the early app when there is a record,
     * then run cli-app as the CLI would ({@code cliRuns} times: the CLI runs the app again after context lookups),
     * with {@code cliVariable} added to the environment, and clean up.
     */
    private Result synth(String cliVariable, String earlyAppSeconds) throws Exception {
        return synth(cliVariable, earlyAppSeconds, 1);
    }

    private Result synth(String cliVariable, String earlyAppSeconds, int cliRuns) throws Exception {
        Path root = ProjectFiles.root();
        Path work = Files.createDirectory(tmp.resolve("work.early1"));
        String script = String.join("\n",
                "set -euo pipefail",
                "source scripts/lib/synth-env.sh",
                "dump_env > \"$WORK/synth.env\"",
                "if [ -s \"$EARLY_APP_RECORD\" ]; then APP_SECONDS=" + earlyAppSeconds + " start_early_app \"$WORK\" "
                        + APP + "; fi",
                "status=0",
                "for run in $(seq " + cliRuns + "); do",
                "  env SERVERLESS_KIT_SYNTH_DIR=\"$WORK\" " + cliVariable + " scripts/lib/cli-app " + APP
                        + " || status=$?",
                "done",
                "[ ! -f \"$WORK/early.env\" ] || stop_early_app \"$WORK\"",
                "exit $status");
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", script)
                .directory(root.toFile())
                .redirectErrorStream(true);
        builder.environment().put("WORK", work.toString());
        builder.environment().put("EARLY_APP_RECORD", tmp.resolve("record").toString());
        builder.environment().remove("CDK_OUTDIR");
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the scripts finished").isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int appRuns = output.split("app ran with", -1).length - 1;
        return new Result(output, process.exitValue(), appRuns);
    }
}
