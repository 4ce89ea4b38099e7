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
 * <p>{@code npx cdk synth} synthesizes every stage; {@code npx cdk deploy 'dev/*'} deploys one.
 */
public final class ServerlessKitApp {
    private ServerlessKitApp() {
    }

    public static void main(String[] args) {
        App app = new App();
        build(app, ProjectFiles.functionJars());
        app.synth();
    }

    /**
     * An app with the context of {@code cdk.json} (as the CLI passes it) plus {@code overrides}, writing to
     * {@code outdir}: what tests synthesize, so that their templates are the CLI's.
     */
    public static App newApp(Map<String, Object> overrides, String outdir) {
        Map<String, Object> context = cliContext();
        context.putAll(overrides);
        return new App(AppProps.builder().context(context).outdir(outdir).build());
    }

    /**
     * The context the CDK CLI gives this app: cdk.json's context plus what it derives from cdk.json's
     * versionReporting, assetMetadata and pathMetadata settings.
     */
    public static Map<String, Object> cliContext() {
        Map<String, Object> context = new HashMap<>(ProjectFiles.cdkContext());
        context.put("aws:cdk:version-reporting", false);
        context.put("aws:cdk:enable-asset-metadata", false);
        context.put("aws:cdk:enable-path-metadata", true);
        return context;
    }

    /** Adds every configured stage to {@code app}, and cdk-nag's validation. */
    public static List<ServerlessKitStage> build(App app, FunctionJars functionJars) {
        List<StageConfig> stages = StageConfig.parseAll(app.getNode().tryGetContext(StageConfig.CONTEXT_KEY));
        List<ServerlessKitStage> result = stages.stream()
                .map(config -> new ServerlessKitStage(app, config, functionJars))
                .toList();
        new DeliveryPipeline(app, "Pipeline",
                PipelineConfig.parse(app.getNode().tryGetContext(PipelineConfig.CONTEXT_KEY)), result);
        Validations.of(app).addPlugins(new NagValidation(app));
        return result;
    }
}
