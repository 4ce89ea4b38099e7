package dev.serverlesskit.test;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlesskit.infra.ProjectFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/lib/jsii-kernel.cjs gives the jsii kernel one reused work directory (so that Node's compile cache, keyed by
 * module path, hits) only while it holds that directory's lock: a second kernel running at the same time keeps a
 * temporary directory of its own, and a stale lock (its process gone, no owner after 10 s, or 15 minutes old) is
 * taken over. Driven with a stand-in kernel program that asks for its work directory as jsii's kernel does and prints
 * it with what is in it.
 */
class JsiiKernelWorkDirTest {
    /** What jsii's kernel does for its modules directory; prints the directory and its entries. */
    private static final String STAND_IN_KERNEL = "const fs = require('fs'), p = require('path');"
            + " if (process.env.OVERWRITE_OWNER) fs.writeFileSync(process.env.OVERWRITE_OWNER, 'another 1');"
            + " const dir = fs.mkdtempSync(p.join(require('os').tmpdir(), 'jsii-kernel-'));"
            + " console.log(dir + ' ' + JSON.stringify(fs.readdirSync(dir)));";

    @TempDir
    Path tmp;

    private Path work() {
        return tmp.resolve("kernel/work");
    }

    private Path lock() {
        return tmp.resolve("kernel/work.lock");
    }

    @Test
    void jsiisKernelStillAsksForItsWorkDirectoryAsThisExpects() throws Exception {
        String program = Files.readString(ProjectFiles.root()
                .resolve("infra/target/jsii-runtime/software/amazon/jsii/lib/program.js"));

        assertThat(Pattern.compile("mkdtempSync\\([\\w$]+\\.join\\([\\w$]+\\.tmpdir\\(\\),\"jsii-kernel-\"\\)\\)")
                .matcher(program).find())
                .as("jsii's kernel makes its work directory with mkdtempSync(join(tmpdir(), \"jsii-kernel-\")):"
                        + " otherwise jsii-kernel.cjs never gives it the reused one, and the compile cache never hits")
                .isTrue();
    }

    @Test
    void aFreeWorkDirectoryIsTheKernelsEmptiedAndItAndItsLockAreGoneAfterIt() throws Exception {
        Files.createDirectories(work().resolve("node_modules/left-by-a-killed-kernel"));

        String output = runKernel(null);

        assertThat(output).isEqualTo(work() + " []");
        assertThat(Files.exists(lock())).as("lock released at exit").isFalse();
        assertThat(Files.exists(work())).as("work directory removed at exit, before the lock").isFalse();
    }

    @Test
    void aWorkDirectoryHeldByARunningKernelIsLeftAlone() throws Exception {
        String holder = hostname() + " " + ProcessHandle.current().pid();
        Files.createDirectories(lock());
        Files.writeString(lock().resolve("owner"), holder);

        String output = runKernel(null);

        assertThat(output).as("a temporary directory of its own").doesNotStartWith(work().toString())
                .contains("jsii-kernel-");
        assertThat(Files.readString(lock().resolve("owner"))).as("the holder's lock, untouched").isEqualTo(holder);
    }

    @Test
    void aLockLeftByAKernelThatIsGoneIsTakenOver() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Files.createDirectories(lock());
        Files.writeString(lock().resolve("owner"), hostname() + " " + gone.pid());

        assertThat(runKernel(null)).startsWith(work().toString());
        assertThat(Files.exists(lock())).isFalse();
    }

    @Test
    void aLockBeingTakenIsLeftAloneButOneLeftWithoutAnOwnerIsTakenOver() throws Exception {
        Files.createDirectories(lock());

        assertThat(runKernel(null)).as("just made, its owner not written yet").doesNotStartWith(work().toString());
        assertThat(Files.exists(lock())).isTrue();

        Files.setLastModifiedTime(lock(), FileTime.from(Instant.now().minusSeconds(60)));
        assertThat(runKernel(null)).as("left without an owner a minute ago").startsWith(work().toString());
        assertThat(Files.exists(lock())).isFalse();
    }

    @Test
    void anotherMachinesLockCountsAsHeldForFifteenMinutes() throws Exception {
        Files.createDirectories(lock());
        Files.writeString(lock().resolve("owner"), "another-machine 1");

        assertThat(runKernel(null)).doesNotStartWith(work().toString());

        Files.setLastModifiedTime(lock(), FileTime.from(Instant.now().minus(Duration.ofMinutes(16))));
        assertThat(runKernel(null)).startsWith(work().toString());
    }

    @Test
    void aKernelWhoseLockWasTakenOverMeanwhileKeepsATemporaryDirectory() throws Exception {
        String output = runKernel(lock().resolve("owner"));

        assertThat(output).doesNotStartWith(work().toString()).contains("jsii-kernel-");
        assertThat(Files.readString(lock().resolve("owner"))).as("the new owner's lock, left to it")
                .isEqualTo("another 1");
    }

    private static String hostname() throws Exception {
        Process process = new ProcessBuilder("bash", "-c", "source scripts/env.sh && node -p \"require('os').hostname()\"")
                .directory(ProjectFiles.root().toFile()).start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }

    /**
     * Runs jsii-kernel.cjs as scripts/lib/jsii-kernel does, with the stand-in program; returns what it printed.
     * {@code overwriteOwner}: a lock owner file the stand-in rewrites (as a kernel taking the lock over would) before
     * it asks for its work directory.
     */
    private String runKernel(Path overwriteOwner) throws Exception {
        Path program = Files.writeString(tmp.resolve("program.js"), STAND_IN_KERNEL);
        ProcessBuilder builder = new ProcessBuilder("bash", "-c",
                "source scripts/env.sh && node --preserve-symlinks scripts/lib/jsii-kernel.cjs \"$@\"", "kernel",
                program.toString(), work().toString(), tmp.resolve("kernel/compile-cache").toString())
                .directory(ProjectFiles.root().toFile())
                .redirectErrorStream(true);
        builder.environment().put("TMPDIR", tmp.toString());
        if (overwriteOwner != null) {
            builder.environment().put("OVERWRITE_OWNER", overwriteOwner.toString());
        }
        Process process = builder.start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the kernel finished").isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }
}
