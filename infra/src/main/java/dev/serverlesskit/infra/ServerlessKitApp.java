package dev.serverlesskit.infra;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Validations;


/**
 * The CDK app of the reference application: one CDK Stage per entry of the {@value StageConfig#CONTEXT_KEY}
 * context in {@code cdk.json}, each holding the {@link ServerlessKitStack}, and the {@link DeliveryPipeline} that
 * deploys them in order from the tools account. cdk-nag (AwsSolutions and Serverless
 * packs) validates every synthesis: an unacknowledged finding fails it.
 *
 * <p>Run by the CDK CLI ({@code npx cdk synth}), the app gets its context from the CLI. Run on its own
 * ({@code scripts/synth}: {@code java @infra/target/synth.args} with {@code CDK_OUTDIR}), it reads the same context
 * from {@code cdk.json} ({@link #cliContext()}); {@code DeterminismTest} checks that both give the same templates.
 */
public final class ServerlessKitApp {
    private ServerlessKitApp() {
    }

    public static void main(String[] args) {
        App app = newApp(Map.of(), null);
        try {
            build(app, ProjectFiles.functionJars());
        } catch (StageConfig.StageConfigException e) {
            // a setting in cdk.json: its message names the stage and the key, a stack trace would only bury it
            System.err.println("cdk.json: " + e.getMessage());
            System.exit(2);
        }
        app.synth();
    }

    /**
     * An app with the context the CDK CLI would pass ({@link #cliContext()}) plus {@code overrides}, writing to
     * {@code outdir} (null: {@code CDK_OUTDIR}, as the CLI sets it). Context the CLI passes takes precedence
     * ({@code AppProps.context}), so run by the CLI the app sees exactly the CLI's.
     */
    public static App newApp(Map<String, Object> overrides, String outdir) {
        Map<String, Object> context = cliContext();
        context.putAll(overrides);
        return new App(AppProps.builder().context(context).outdir(outdir).build());
    }

    /**
     * The context the CDK CLI gives this app: {@code cdk.json}'s context, {@code cdk.context.json} (the CLI's cache
     * of context lookups) when there is one, and the keys the CLI derives from {@code cdk.json}'s settings. Not
     * included: {@code ~/.cdk.json} (a user's own defaults), {@code -c} options, and
     * {@code @aws-cdk/core:failSynthOnValidationErrors}, with which the CLI takes over reporting validation
     * failures (run on its own, the app reports them and fails). {@code DeterminismTest} compares this with what
     * the CLI passes.
     */
    public static Map<String, Object> cliContext() {
        Map<String, Object> context = new HashMap<>(ProjectFiles.cdkContext());
        context.putAll(ProjectFiles.cachedContext());
        Map<String, Object> settings = ProjectFiles.cdkSettings();
        if (!Boolean.FALSE.equals(settings.get("pathMetadata"))) {
            context.put("aws:cdk:enable-path-metadata", true);
        }
        if (!Boolean.FALSE.equals(settings.get("assetMetadata"))) {
            context.put("aws:cdk:enable-asset-metadata", true);
        }
        if (Boolean.FALSE.equals(settings.get("versionReporting"))) {
            context.put("aws:cdk:disable-version-reporting", true);
        }
        context.put("aws:cdk:bundling-stacks", List.of("**"));
        return context;
    }

    /** Adds every configured stage to {@code app}, and cdk-nag's validation. */
    public static List<ServerlessKitStage> build(App app, FunctionJars functionJars) {
        List<StageConfig> stages = StageConfig.parseAll(app.getNode().tryGetContext(StageConfig.CONTEXT_KEY));
        PipelineConfig pipeline = PipelineConfig.parse(app.getNode().tryGetContext(PipelineConfig.CONTEXT_KEY));
        pipeline.checkStagesIn(stages);
        List<ServerlessKitStage> result = stages.stream()
                .map(config -> new ServerlessKitStage(app, config, pipeline, functionJars))
                .toList();
        new DeliveryPipeline(app, "Pipeline", pipeline, result);
        Validations.of(app).addPlugins(new NagValidation(app));
        return result;
    }
}
