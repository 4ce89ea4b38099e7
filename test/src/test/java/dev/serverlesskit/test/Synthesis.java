package dev.serverlesskit.test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serverlesskit.infra.DeliveryPipeline;
import dev.serverlesskit.infra.FunctionJars;
import dev.serverlesskit.infra.ProjectFiles;
import dev.serverlesskit.infra.ServerlessKitApp;
import dev.serverlesskit.infra.ServerlessKitStage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.cxapi.CloudFormationStackArtifact;

/**
 * The reference app synthesized once per test JVM, with the context of cdk.json (as the CLI passes it), the real
 * functions jar and cdk-nag validating: every test class reads the same templates.
 */
public final class Synthesis {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Synthesis instance;

    private final App app;
    private final List<ServerlessKitStage> stages;
    private final Map<String, String> templates = new LinkedHashMap<>();
    private final DeliveryPipeline pipeline;
    private final Path outdir;

    private Synthesis(String outdir, FunctionJars functionJars) {
        this.outdir = Path.of(outdir);
        this.app = ServerlessKitApp.newApp(Map.of(), outdir);
        this.stages = ServerlessKitApp.build(app, functionJars);
        app.synth();
        for (ServerlessKitStage stage : stages) {
            Stack stack = stage.getStack();
            CloudFormationStackArtifact artifact = stage.synth().getStackByName(stack.getStackName());
            templates.put(key(stage.getConfig().name(), stack), read(Path.of(artifact.getTemplateFullPath())));
        }
        this.pipeline = (DeliveryPipeline) app.getNode().findChild("Pipeline");
        templates.put(PIPELINE_KEY,
                read(Path.of(app.synth().getStackByName(pipeline.getStackName()).getTemplateFullPath())));
    }

    /** The key of the delivery pipeline's template (in the tools account). */
    public static final String PIPELINE_KEY = "tools/Pipeline";

    /** The cloud assembly this synthesis wrote (what {@code cdk.out} is for the CLI). */
    public Path outdir() {
        return outdir;
    }

    public DeliveryPipeline pipeline() {
        return pipeline;
    }

    /** The shared synthesis of every stage. */
    public static synchronized Synthesis shared() {
        if (instance == null) {
            instance = fresh();
        }
        return instance;
    }

    /** A new synthesis, in a folder of its own. */
    public static Synthesis fresh() {
        return withFunctionJars(ProjectFiles.functionJars());
    }

    /** A new synthesis deploying another functions jar, as after a change to a handler. */
    public static Synthesis withFunctionJars(FunctionJars functionJars) {
        try {
            Path root = ProjectFiles.root().resolve("test/target");
            Files.createDirectories(root);
            return new Synthesis(Files.createTempDirectory(root, "cdk.out-").toString(), functionJars);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<ServerlessKitStage> stages() {
        return stages;
    }

    public ServerlessKitStage stage(String name) {
        return stages.stream().filter(s -> s.getConfig().name().equals(name)).findFirst().orElseThrow();
    }

    /** Templates as synthesized, by "stage/stackId" (and {@link #PIPELINE_KEY}). */
    public Map<String, String> templates() {
        return templates;
    }

    /** The template of a stage's stack, or the pipeline's for {@link #PIPELINE_KEY}. */
    public String template(String stage) {
        return stage.equals(PIPELINE_KEY) ? templates.get(PIPELINE_KEY) : templates.get(key(stage, stage(stage).getStack()));
    }

    public JsonNode templateJson(String stage) {
        try {
            return JSON.readTree(template(stage));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String key(String stage, Stack stack) {
        return stage + "/" + stack.getNode().getId();
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
