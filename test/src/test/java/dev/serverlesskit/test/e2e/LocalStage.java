package dev.serverlesskit.test.e2e;

import dev.serverlesskit.infra.ProjectFiles;
import dev.serverlesskit.infra.ServerlessKitApp;
import dev.serverlesskit.local.Engines;
import dev.serverlesskit.local.LocalRuntime;
import java.nio.file.Path;
import java.util.Map;
import software.amazon.awscdk.App;

/**
 * The dev stage synthesized in-process (cdk.json context, the real functions jar) and run by the local runtime, once
 * per test JVM. {@code -De2e.cdkOut=DIR} runs an existing assembly instead (e.g. a hand-edited template).
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
                cdkOut = root.resolve("test/target/e2e-cdk-out");
                App app = ServerlessKitApp.newApp(Map.of(), cdkOut.toString());
                ServerlessKitApp.build(app, ProjectFiles.functionJars());
                app.synth();
            }
            LocalRuntime.Options options = new LocalRuntime.Options(STAGE, cdkOut, 0, null, root,
                    root.resolve("test/target/e2e-logs"), false, 1, false);
            runtime = LocalRuntime.start(options);
            Runtime.getRuntime().addShutdownHook(new Thread(runtime::close));
        }
        return runtime;
    }
}
