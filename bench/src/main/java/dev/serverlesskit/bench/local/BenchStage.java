package dev.serverlesskit.bench.local;

import dev.serverlesskit.infra.ProjectFiles;
import dev.serverlesskit.infra.ServerlessKitApp;
import dev.serverlesskit.infra.StageConfig;
import dev.serverlesskit.local.LocalRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awscdk.App;

/**
 * The dev stage for the local-runtime figures: the real app (cdk.json context, the real function jars) with the dev
 * stage's API throttle and reserved concurrency raised, so the figures measure the runtime, not the configured
 * 20 requests/s limit. Synthesized once by {@link #main} into {@code bench/target/local-cdk-out}.
 */
public final class BenchStage {
    public static final String STAGE = "dev";

    private BenchStage() {
    }

    public static Path cdkOut() {
        return ProjectFiles.root().resolve("bench/target/local-cdk-out");
    }

    /**
     * The dev stage as cdk.json declares it (its own throttling and concurrency) but for the per-client rate limit,
     * for {@code bench/soak}.
     */
    public static Path soakCdkOut() {
        return ProjectFiles.root().resolve("bench/target/soak-cdk-out");
    }

    /**
     * Synthesizes the bench dev stage into {@link #cdkOut()}, or with the argument {@code soak} the dev stage
     * unchanged into {@link #soakCdkOut()}.
     */
    @SuppressWarnings("unchecked")
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("soak")) {
            Path out = soakCdkOut();
            Files.createDirectories(out);
            // the soak's few loopback clients stand in for many users: only the per-client limit is lifted
            Map<String, Object> stages = new LinkedHashMap<>(
                    (Map<String, Object>) ProjectFiles.cdkContext().get(StageConfig.CONTEXT_KEY));
            Map<String, Object> dev = new LinkedHashMap<>((Map<String, Object>) stages.get(STAGE));
            dev.put("clientRateLimit", 2_000_000_000);
            stages.put(STAGE, dev);
            App app = ServerlessKitApp.newApp(Map.of(StageConfig.CONTEXT_KEY, stages), out.toString());
            ServerlessKitApp.build(app, ProjectFiles.functionJars());
            app.synth();
            System.out.println("synthesized the dev stage to " + out);
            System.exit(0);
        }
        Map<String, Object> stages = new LinkedHashMap<>(
                (Map<String, Object>) ProjectFiles.cdkContext().get(StageConfig.CONTEXT_KEY));
        Map<String, Object> dev = new LinkedHashMap<>((Map<String, Object>) stages.get(STAGE));
        dev.put("apiRateLimit", 10_000);
        dev.put("apiBurstLimit", 5_000);
        dev.put("clicksRateLimit", 10_000);
        dev.put("clicksBurstLimit", 5_000);
        dev.put("clientRateLimit", 2_000_000_000); // every click comes from one client here: loopback
        dev.put("apiConcurrency", 64);
        // prod's click-processor concurrency (dev reserves 5): the runtime shares two cores between all invocations,
        // so far more (64) only pushes batches past their timeout
        dev.put("processorConcurrency", Integer.getInteger("bench.processorConcurrency", 20));
        stages.put(STAGE, dev);
        Path out = cdkOut();
        Files.createDirectories(out);
        App app = ServerlessKitApp.newApp(Map.of(StageConfig.CONTEXT_KEY, stages), out.toString());
        ServerlessKitApp.build(app, ProjectFiles.functionJars());
        app.synth();
        System.out.println("synthesized the bench dev stage to " + out);
        System.exit(0);
    }

    /**
     * Starts the runtime on the bench assembly. The runtime turns TCP_NODELAY on in its JDK HTTP server;
     * {@code -Dbench.nodelay=false} turns it off again ({@code sun.net.httpserver.nodelay}), to show what Nagle's
     * algorithm costs.
     */
    public static LocalRuntime start() {
        System.setProperty("sun.net.httpserver.nodelay", System.getProperty("bench.nodelay", "true"));
        Path root = ProjectFiles.root();
        return LocalRuntime.start(new LocalRuntime.Options(STAGE, cdkOut(), 0, null, root,
                root.resolve("bench/target/local-logs"), false, 1, true));
    }
}
