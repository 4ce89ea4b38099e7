package dev.serverlesskit.test.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.serverlesskit.infra.ProjectFiles;
import dev.serverlesskit.local.CloudAssembly;
import dev.serverlesskit.local.Engines;
import dev.serverlesskit.local.Json;
import dev.serverlesskit.local.LocalRuntime;
import dev.serverlesskit.test.Synthesis;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A stage of the suite's shared synthesis ({@link Synthesis#shared()}: cdk.json context, the real function jars) run
 * by the local runtime, one stage at a time per test JVM: starting another stage stops the one running (its
 * {@link LocalRuntime#accessLog()} stays readable, for the least-privilege report). {@code -De2e.cdkOut=DIR} runs an
 * existing assembly instead (e.g. a hand-edited template).
 */
final class LocalStage {
    private static final Map<String, LocalRuntime> RUNS = new LinkedHashMap<>();
    private static LocalRuntime running;
    private static String runningKey;

    private LocalStage() {
    }

    static LocalRuntime runtime(String stage) {
        String given = System.getProperty("e2e.cdkOut");
        Path cdkOut = given != null && !given.isBlank() ? Path.of(given).toAbsolutePath()
                : Synthesis.shared().outdir(); // the suite's one synthesis of every stage
        return runtime(stage, stage, cdkOut);
    }

    /** The runtime of {@code stage} from the assembly in {@code cdkOut}, known as {@code key}. */
    static LocalRuntime runtime(String key, String stage, Path cdkOut) {
        return runtime(key, stage, cdkOut, 1);
    }

    /** Failed messages become visible again after {@code retryDelaySeconds} (the local runtime's shortcut). */
    static LocalRuntime runtime(String key, String stage, Path cdkOut, int retryDelaySeconds) {
        return runtime(key, stage, cdkOut, retryDelaySeconds, null);
    }

    /** The same, keeping the engines' data in {@code dataDir} (null: in memory), as {@code --data} does. */
    static synchronized LocalRuntime runtime(String key, String stage, Path cdkOut, int retryDelaySeconds,
                                             Path dataDir) {
        if (running != null && key.equals(runningKey)) {
            return running;
        }
        if (running != null) {
            running.close();
            running = null;
        }
        Path root = ProjectFiles.root();
        Engines.nodeModules(root); // fails with "run `npm ci`" when the engines are not installed
        LocalRuntime.Options options = new LocalRuntime.Options(stage, cdkOut, 0, dataDir, root,
                root.resolve("test/target/e2e-logs/" + key), false, retryDelaySeconds, false);
        running = LocalRuntime.start(options);
        runningKey = key;
        RUNS.put(key, running);
        LocalRuntime started = running;
        Runtime.getRuntime().addShutdownHook(new Thread(started::close));
        return running;
    }

    /** Stops the running stage (its records stay readable), for a test that runs runtimes of its own. */
    static synchronized void stopRunning() {
        if (running != null) {
            running.close();
            running = null;
            runningKey = null;
        }
    }

    /**
     * A copy of one stage of the suite's shared assembly, in {@code test/target/e2e-variants/STAGE-NAME}, whose
     * template {@code edit} changed (all else is linked, not copied): the manifest, other stages and the assets they
     * share.
     */
    static Path variant(String stage, String name, Consumer<JsonNode> edit) {
        try {
            Path outdir = Synthesis.shared().outdir();
            CloudAssembly assembly = CloudAssembly.load(outdir, stage);
            Path root = ProjectFiles.root().resolve("test/target/e2e-variants/" + stage + "-" + name);
            if (Files.exists(root)) {
                try (var files = Files.walk(root)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            Path dir = Files.createDirectories(root.resolve(assembly.directory().getFileName()));
            try (var files = Files.list(outdir)) {
                for (Path p : files.toList()) {
                    if (!p.equals(assembly.directory())) {
                        Files.createSymbolicLink(root.resolve(p.getFileName()), p);
                    }
                }
            }
            try (var files = Files.list(assembly.directory())) {
                for (Path p : files.toList()) {
                    if (!p.equals(assembly.templateFile())) {
                        Files.createSymbolicLink(dir.resolve(p.getFileName()), p);
                    }
                }
            }
            JsonNode template = assembly.template().deepCopy();
            edit.accept(template);
            Files.writeString(dir.resolve(assembly.templateFile().getFileName()),
                    Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(template));
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every runtime started in this JVM by key (stopped ones included: their records stay readable). */
    static synchronized Map<String, LocalRuntime> runs() {
        return Map.copyOf(RUNS);
    }
}
