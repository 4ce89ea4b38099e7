package dev.serverlesskit.test;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlesskit.infra.ProjectFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/lib/jsii-kernel.cjs gives the jsii kernel one reused work directory (so that Node's compile cache, keyed by
 * module path, hits) only while it holds that directory's lock: a second kernel running at the same time keeps a
 * temporary directory of its own, and a lock left by a kernel that is gone (or left without its pid) is taken over.
 * Driven with a stand-in kernel program that asks for its work directory as jsii's kernel does.
 */
class JsiiKernelWorkDirTest {
    /** What jsii's kernel does for its modules directory, then printed. */
    private static final String STAND_IN_KERNEL = "const p = require('path');"
            + " console.log(require('fs').mkdtempSync(p.join(require('os').tmpdir(), 'jsii-kernel-')));";

    @TempDir
    Path tmp;

    @Test
    void aFreeWorkDirectoryIsTheKernelsAndItsLockIsGoneAfterIt() throws Exception {
        Path work = tmp.resolve("kernel/work");

        String dir = runKernel(work);

        assertThat(dir).isEqualTo(work.toString());
        assertThat(Files.exists(tmp.resolve("kernel/work.lock"))).as("lock released at exit").isFalse();
    }

    @Test
    void aWorkDirectoryHeldByARunningKernelIsLeftAlone() throws Exception {
        Path work = tmp.resolve("kernel/work");
        Path lock = Files.createDirectories(tmp.resolve("kernel/work.lock"));
        String holder = Long.toString(ProcessHandle.current().pid());
        Files.writeString(lock.resolve("pid"), holder);

        String dir = runKernel(work);

        assertThat(dir).as("a temporary directory of its own").isNotEqualTo(work.toString()).contains("jsii-kernel-");
        assertThat(Files.readString(lock.resolve("pid"))).as("the holder's lock, untouched").isEqualTo(holder);
    }

    @Test
    void aLockLeftByAKernelThatIsGoneIsTakenOver() throws Exception {
        Path work = tmp.resolve("kernel/work");
        Path lock = Files.createDirectories(tmp.resolve("kernel/work.lock"));
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Files.writeString(lock.resolve("pid"), Long.toString(gone.pid()));

        String dir = runKernel(work);

        assertThat(dir).isEqualTo(work.toString());
        assertThat(Files.exists(lock)).isFalse();
    }

    @Test
    void aLockBeingTakenIsLeftAloneButOneLeftWithoutAPidIsTakenOver() throws Exception {
        Path work = tmp.resolve("kernel/work");
        Path lock = Files.createDirectories(tmp.resolve("kernel/work.lock"));

        assertThat(runKernel(work)).as("just created, its pid not written yet").isNotEqualTo(work.toString());
        assertThat(Files.exists(lock)).isTrue();

        Files.setLastModifiedTime(lock, FileTime.from(Instant.now().minusSeconds(60)));
        assertThat(runKernel(work)).as("left without a pid a minute ago").isEqualTo(work.toString());
        assertThat(Files.exists(lock)).isFalse();
    }

    /** Runs jsii-kernel.cjs as scripts/lib/jsii-kernel does, with the stand-in program; returns what it printed. */
    private String runKernel(Path work) throws Exception {
        Path program = Files.writeString(tmp.resolve("program.js"), STAND_IN_KERNEL);
        Path root = ProjectFiles.root();
        ProcessBuilder builder = new ProcessBuilder("bash", "-c",
                "source scripts/env.sh && node --preserve-symlinks scripts/lib/jsii-kernel.cjs \"$@\"", "kernel",
                program.toString(), work.toString(), tmp.resolve("kernel/compile-cache").toString())
                .directory(root.toFile())
                .redirectErrorStream(true);
        builder.environment().put("TMPDIR", tmp.toString());
        Process process = builder.start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the kernel finished").isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }
}
