package dev.serverlesskit.infra;

import java.util.EnumMap;
import java.util.Map;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stage;
import software.amazon.awscdk.StageProps;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.lambda.Code;
import software.constructs.Construct;

/** One deployment stage (dev, staging, prod) in its own account and region. */
public class ServerlessKitStage extends Stage {
    private final StageConfig config;
    private final ServerlessKitStack stack;

    /** @param pipeline where the delivery pipeline runs (a stage before prod trusts its smoke step) */
    public ServerlessKitStage(Construct scope, StageConfig config, PipelineConfig pipeline, FunctionJars functionJars) {
        super(scope, config.name(), StageProps.builder()
                .env(Environment.builder().account(config.account()).region(config.region()).build())
                .build());
        this.config = config;
        this.stack = new ServerlessKitStack(this, "ServerlessKit", StackProps.builder()
                .stackName(config.name() + "-serverless-kit")
                .description("Serverless Kit reference application: pet store and ad clicks (" + config.name() + ")")
                .terminationProtection(config.terminationProtection())
                .build(), config, pipeline, code(functionJars));
    }

    private static Map<FunctionJars.Group, Code> code(FunctionJars jars) {
        Map<FunctionJars.Group, Code> code = new EnumMap<>(FunctionJars.Group.class);
        for (FunctionJars.Group group : FunctionJars.Group.values()) {
            code.put(group, Code.fromAsset(jars.jar(group).toString()));
        }
        return code;
    }

    public StageConfig getConfig() {
        return config;
    }

    public ServerlessKitStack getStack() {
        return stack;
    }
}
