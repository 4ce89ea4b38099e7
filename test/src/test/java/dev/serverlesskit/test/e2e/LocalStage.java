package dev.serverlesskit.test.e2e;

import dev.serverlesskit.infra.ProjectFiles;
import dev.serverlesskit.local.Engines;
import dev.serverlesskit.local.LocalRuntime;
import dev.serverlesskit.test.Synthesis;
import java.nio.file.Path;

/**
 * The dev stage of the suite's shared synthesis ({@link Synthesis#shared()}: cdk.json context, the real function
 * jars) run by the local runtime, once per test JVM. {@code -De2e.cdkOut=DIR} runs an existing assembly instead (e.g. a hand-edited template).
 */
final class LocalStage {
    static final String STAGE = "dev";
    private static LocalRuntime runtime;

    private LocalStage() {
    }

    static synchronized LocalRuntime runtime() {
        if (runtime == null) {
            Path root = ProjectFiles.root();
            Engines.nodeModules(root); // fails with "run `npm ci`" when the engines are not installed
            String given = System.getProperty("e2e.cdkOut");
            Path cdkOut;
            if (given != null && !given.isBlank()) {
                cdkOut = Path.of(given).toAbsolutePath();
            } else {
                cdkOut = Synthesis.shared().outdir(); // the suite's one synthesis of every stage
            }
            LocalRuntime.Options options = new LocalRuntime.Options(STAGE, cdkOut, 0, null, root,
                    root.resolve("test/target/e2e-logs"), false, 1, false);
            runtime = LocalRuntime.start(options);
            Runtime.getRuntime().addShutdownHook(new Thread(runtime::close));
        }
        return runtime;
    }
}
