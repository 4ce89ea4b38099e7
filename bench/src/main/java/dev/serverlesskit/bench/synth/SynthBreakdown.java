package dev.serverlesskit.bench.synth;

import dev.serverlesskit.infra.DeliveryPipeline;
import dev.serverlesskit.infra.PipelineConfig;
import dev.serverlesskit.infra.ProjectFiles;
import dev.serverlesskit.infra.ServerlessKitApp;
import dev.serverlesskit.infra.ServerlessKitStage;
import dev.serverlesskit.infra.StageConfig;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.ServerlessChecks;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.App;

/**
 * Where the app's synthesis time goes, in one JVM as the CLI runs it (cdk.json context): JVM start to main, jsii
 * runtime and aws-cdk-lib load (the first App), the construct tree (each stage, the pipeline with its own nag
 * review), cdk-nag's validation, and {@code app.synth()} (templates, asset staging, validation). Args: the output
 * directory, then {@code full} (the app as ServerlessKitApp.build makes it) or {@code no-nag-plugins} (the same tree
 * without the Validations plugins, to price them), then optionally {@code walk} to time one cdk-nag walk of the
 * whole app per pack.
 */
public final class SynthBreakdown {
    private SynthBreakdown() {
    }

    public static void main(String[] args) {
        long t0 = System.currentTimeMillis();
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        String variant = args.length > 1 ? args[1] : "full";
        App app = ServerlessKitApp.newApp(Map.of(), args[0]);
        long tApp = System.currentTimeMillis();
        List<String> lines = new ArrayList<>();
        long tTree;
        if (variant.equals("full")) {
            ServerlessKitApp.build(app, ProjectFiles.functionJars());
            tTree = System.currentTimeMillis();
            lines.add(String.format("construct tree (3 stages + pipeline + plugins) %6d ms", tTree - tApp));
        } else {
            List<ServerlessKitStage> stages = new ArrayList<>();
            PipelineConfig pipeline = PipelineConfig.parse(app.getNode().tryGetContext(PipelineConfig.CONTEXT_KEY));
            long t = tApp;
            for (StageConfig config : StageConfig.parseAll(app.getNode().tryGetContext(StageConfig.CONTEXT_KEY))) {
                stages.add(new ServerlessKitStage(app, config, pipeline, ProjectFiles.functionJars()));
                long now = System.currentTimeMillis();
                lines.add(String.format("construct tree: stage %-8s %6d ms", config.name(), now - t));
                t = now;
            }
            new DeliveryPipeline(app, "Pipeline", pipeline, stages);
            tTree = System.currentTimeMillis();
            lines.add(String.format("construct tree: pipeline (with its nag review) %6d ms", tTree - t));
        }
        app.synth();
        long tSynth = System.currentTimeMillis();
        lines.add(String.format("app.synth() (%s) %6d ms", variant, tSynth - tTree));
        if (args.length > 2 && args[2].equals("walk")) {
            long w0 = System.currentTimeMillis();
            new AwsSolutionsChecks().validateScope(app);
            long w1 = System.currentTimeMillis();
            new ServerlessChecks().validateScope(app);
            long w2 = System.currentTimeMillis();
            lines.add(String.format("one cdk-nag walk of the whole app: AwsSolutions %d ms, Serverless %d ms",
                    w1 - w0, w2 - w1));
        }
        System.out.printf("JVM start to main %6d ms%n", t0 - jvmStart);
        System.out.printf("jsii + aws-cdk-lib load (first App) %6d ms%n", tApp - t0);
        lines.forEach(System.out::println);
        System.out.printf("total (JVM start to synthesized) %6d ms%n", tSynth - jvmStart);
        System.exit(0);
    }
}
