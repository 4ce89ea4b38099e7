package dev.serverlesskit.infra;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.ServerlessChecks;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.pipelines.AddStageOpts;
import software.amazon.awscdk.pipelines.CodeBuildStep;
import software.amazon.awscdk.pipelines.CodeBuildOptions;
import software.amazon.awscdk.pipelines.CodePipeline;
import software.amazon.awscdk.pipelines.CodePipelineSource;
import software.amazon.awscdk.pipelines.ConfirmPermissionsBroadening;
import software.amazon.awscdk.pipelines.ConnectionSourceOptions;
import software.amazon.awscdk.pipelines.FileSet;
import software.amazon.awscdk.pipelines.ManualApprovalStep;
import software.amazon.awscdk.pipelines.ManualApprovalStepProps;
import software.amazon.awscdk.pipelines.PermissionsBroadeningCheckProps;
import software.amazon.awscdk.pipelines.ShellStep;
import software.amazon.awscdk.pipelines.Step;
import software.amazon.awscdk.services.codebuild.BuildEnvironment;
import software.amazon.awscdk.services.codepipeline.PipelineType;
import software.amazon.awscdk.services.codebuild.LinuxBuildImage;
import software.amazon.awscdk.services.iam.CfnRole;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Function;
import software.constructs.Construct;

/**
 * The delivery pipeline, in the tools account: source, build and test, synthesis, then each stage in order.
 * dev and staging deploy on every change, each followed by its smoke tests ({@link SmokeTestAccess}); prod first runs a security check (it stops for a person when the change
 * broadens IAM permissions or security groups) and waits for a manual approval. Cross-account keys let the
 * stage accounts read the pipeline's artifacts.
 */
public class DeliveryPipeline extends Stack {
    private static final String PIPELINE_ID = "Pipeline";
    private final CodePipeline pipeline;

    public DeliveryPipeline(Construct scope, String id, PipelineConfig config, List<ServerlessKitStage> stages) {
        super(scope, id, StackProps.builder()
                .env(Environment.builder().account(config.account()).region(config.region()).build())
                .stackName("serverless-kit-pipeline")
                .description("Serverless Kit delivery pipeline: dev -> staging -> approval -> prod")
                .terminationProtection(true)
                .build());

        CodePipelineSource source = CodePipelineSource.connection(config.repository(), config.branch(),
                ConnectionSourceOptions.builder().connectionArn(config.connectionArn()).build());
        ShellStep synth = ShellStep.Builder.create("BuildTestSynth")
                .input(source)
                .installCommands(List.of("npm ci"))
                .commands(List.of("./scripts/test", "./scripts/synth"))
                .primaryOutputDirectory("cdk.out")
                .build();
        this.pipeline = CodePipeline.Builder.create(this, PIPELINE_ID)
                .pipelineName("serverless-kit")
                .pipelineType(PipelineType.V2)
                .crossAccountKeys(true)
                .enableKeyRotation(true)
                // No self-mutation: its role may assume any role in the tools account. Pipeline changes are
                // deployed by hand (npx cdk deploy Pipeline), reviewed like any other change.
                .selfMutation(false)
                .synth(synth)
                .synthCodeBuildDefaults(CodeBuildOptions.builder()
                        .buildEnvironment(BuildEnvironment.builder().buildImage(LinuxBuildImage.STANDARD_7_0).build())
                        .build())
                .build();

        // the function jars the build made (the ones the stages deploy): the smoke tests run from the delivery jar
        FileSet functionJars = synth.addOutputDirectory("lambdas/target/function");
        for (ServerlessKitStage stage : stages) {
            if (SmokeTestAccess.runsAfter(stage.getConfig())) {
                pipeline.addStage(stage, AddStageOpts.builder()
                        .post(List.of(smokeTests(functionJars, stage)))
                        .build());
                continue;
            }
            pipeline.addStage(stage, AddStageOpts.builder()
                    // In sequence: the security diff first (it stops for a person when permissions broaden),
                    // the review's check against what prod runs (it fails on unacknowledged destructive changes
                    // to stateful resources and on access or permission broadening), then the release approval,
                    // then the deployment.
                    .pre(Step.sequence(List.of(
                            new ConfirmPermissionsBroadening("SecurityCheck",
                                    PermissionsBroadeningCheckProps.builder().stage(stage).build()),
                            reviewCheck(source, synth, stage.getConfig()),
                            new ManualApprovalStep("PromoteToProd", ManualApprovalStepProps.builder()
                                    .comment("Staging is deployed and checked: promote this revision to prod?")
                                    .build()))))
                    .build());
        }
        reviewGeneratedResources(config, stages.stream().map(ServerlessKitStage::getConfig)
                .filter(SmokeTestAccess::runsAfter).map(StageConfig::name).toList());
    }

    /**
     * The smoke tests of a stage just deployed ({@code SmokeRun} from the delivery jar): the step's own role (a fixed
     * name, which the stage's {@link SmokeTestAccess} role trusts) may only assume that role; the stage's outputs
     * name the API, the user pool, the smoke client and the users' secrets.
     */
    private CodeBuildStep smokeTests(FileSet functionJars, ServerlessKitStage stage) {
        StageConfig config = stage.getConfig();
        String accessRole = "arn:aws:iam::" + config.account() + ":role/"
                + SmokeTestAccess.accessRoleName(config.name());
        Role stepRole = Role.Builder.create(this, "SmokeTestsRole-" + config.name())
                .roleName(SmokeTestAccess.stepRoleName(config.name()))
                .description("The smoke tests after " + config.name() + ": assumes " + accessRole)
                .assumedBy(new ServicePrincipal("codebuild.amazonaws.com"))
                .build();
        ServerlessKitStack stack = stage.getStack();
        Map<String, CfnOutput> outputs = new TreeMap<>(Map.of(
                "SMOKE_API_URL", stack.getOutput("ApiUrl"),
                "SMOKE_USER_POOL_ID", stack.getOutput("UserPoolId"),
                "SMOKE_CLIENT_ID", stack.getOutput("SmokeClientId"),
                "SMOKE_BUYER_SECRET", stack.getOutput("SmokeBuyerSecretArn"),
                "SMOKE_ADMIN_SECRET", stack.getOutput("SmokeAdminSecretArn")));
        return CodeBuildStep.Builder.create("SmokeTests")
                .input(functionJars)
                .role(stepRole)
                .buildEnvironment(BuildEnvironment.builder().buildImage(LinuxBuildImage.STANDARD_7_0).build())
                .envFromCfnOutputs(outputs)
                .env(Map.of("SMOKE_REGION", config.region()))
                .commands(List.of(
                        // a failed assume-role fails this command, and so the step
                        "CREDS=$(aws sts assume-role --role-arn " + accessRole + " --role-session-name smoke-tests"
                                + " --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text)",
                        "export AWS_ACCESS_KEY_ID=$(echo $CREDS | cut -d' ' -f1)"
                                + " AWS_SECRET_ACCESS_KEY=$(echo $CREDS | cut -d' ' -f2)"
                                + " AWS_SESSION_TOKEN=$(echo $CREDS | cut -d' ' -f3)",
                        "java -cp serverless-kit-functions-delivery.jar dev.serverlesskit.app.delivery.SmokeRun"))
                .rolePolicyStatements(List.of(PolicyStatement.Builder.create()
                        .actions(List.of("sts:AssumeRole"))
                        .resources(List.of(accessRole))
                        .build()))
                .build();
    }

    /**
     * {@code scripts/review --deployed} on the synthesized revision: it reads the stage's deployed template through the
     * stage account's CDK look-up role (the only role this step may assume) and fails on what the revision's
     * review-acknowledgments.txt does not acknowledge.
     */
    private static CodeBuildStep reviewCheck(CodePipelineSource source, ShellStep synth, StageConfig stage) {
        return CodeBuildStep.Builder.create("ReviewCheck")
                .input(source)
                .additionalInputs(Map.of("cdk.out", synth.getPrimaryOutput()))
                .buildEnvironment(BuildEnvironment.builder().buildImage(LinuxBuildImage.STANDARD_7_0).build())
                .commands(List.of("./scripts/review --deployed " + stage.name() + " --no-synth"))
                .rolePolicyStatements(List.of(PolicyStatement.Builder.create()
                        .actions(List.of("sts:AssumeRole"))
                        .resources(List.of("arn:aws:iam::" + stage.account() + ":role/cdk-hnb659fds-lookup-role-"
                                + stage.account() + "-" + stage.region()))
                        .build()))
                .build();
    }

    /**
     * What CDK Pipelines generates is reviewed here, finding by finding: the auto-approve function of the security
     * check gets an inline logging policy instead of the AWS managed one, and each remaining cdk-nag finding is
     * acknowledged exactly, on the resource it names, by its full finding id ({@link #reviewedFindings}). A finding
     * the table does not list, or an entry that matches no finding, fails synthesis ({@link ReviewedFindings}).
     */
    private void reviewGeneratedResources(PipelineConfig config, List<String> smokeStages) {
        pipeline.buildPipeline();
        Function autoApprove = (Function) ReviewedFindings.descendant(this,
                PIPELINE_ID + "/PipelinesSecurityCheck/CDKPipelinesAutoApprove");
        ((CfnRole) autoApprove.getRole().getNode().getDefaultChild()).setManagedPolicyArns(null);
        autoApprove.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"))
                .resources(List.of(formatArn(ArnComponents.builder().service("logs").resource("log-group")
                        .resourceName("/aws/lambda/*").arnFormat(ArnFormat.COLON_RESOURCE_NAME).build())))
                .build());
        ReviewedFindings.acknowledge(this, reviewedFindings(config, smokeStages),
                List.of(new AwsSolutionsChecks(), new ServerlessChecks()));
    }

    /**
     * Every cdk-nag finding on what CDK Pipelines generates, by construct path (below this stack) and full finding
     * id, with the reason it is acceptable. Logical ids, account and region are those of this synthesis.
     */
    private List<ReviewedFindings.Entry> reviewedFindings(PipelineConfig config, List<String> smokeStages) {
        String p = PIPELINE_ID + "/";
        String inner = p + "Pipeline/";
        String bucket = "<" + logicalId(inner + "ArtifactsBucket/Resource") + ".Arn>";
        String buildProject = logicalId(inner + "Build/BuildTestSynth/CdkBuildProject/Resource");
        String securityCheck = logicalId(p + "PipelinesSecurityCheck/CDKSecurityCheck/Resource");
        String autoApprove = logicalId(p + "PipelinesSecurityCheck/CDKPipelinesAutoApprove/Resource");
        String accountRegion = config.region() + ":" + config.account();
        String codeBuildLogs = "arn:aws:logs:" + accountRegion + ":log-group:/aws/codebuild/";
        String reportGroups = "arn:aws:codebuild:" + accountRegion + ":report-group/";

        String artifactActions = "CDK's standard artifact grant: these action groups apply only to the pipeline's own"
                + " artifact bucket and KMS key.";
        String artifactObjects = "Pipeline steps read and write the objects of the pipeline's own artifact bucket.";
        String buildLogs = "CodeBuild creates its log streams and test report groups at build time, under its"
                + " project's name.";
        List<ReviewedFindings.Entry> entries = new ArrayList<>();
        ReviewedFindings.Builder b = new ReviewedFindings.Builder(entries);

        String pipelineRole = inner + "Role/DefaultPolicy/Resource";
        String sourceRole = inner + "Source/" + sourceActionName(config)
                + "/CodePipelineActionRole/DefaultPolicy/Resource";
        String buildRole = inner + "Build/BuildTestSynth/CdkBuildProject/Role/DefaultPolicy/Resource";
        String checkRole = p + "PipelinesSecurityCheck/CDKSecurityCheck/Role/DefaultPolicy/Resource";
        for (String role : List.of(pipelineRole, sourceRole, buildRole)) {
            b.actions(role, artifactActions, "s3:GetObject*", "s3:GetBucket*", "s3:List*", "s3:DeleteObject*",
                    "s3:Abort*", "kms:ReEncrypt*", "kms:GenerateDataKey*");
            b.resource(role, bucket + "/*", artifactObjects);
        }
        b.resource(buildRole, codeBuildLogs + "<" + buildProject + ">:*", buildLogs);
        b.resource(buildRole, reportGroups + "<" + buildProject + ">-*", buildLogs);

        String assets = p + "Assets/FileRole/DefaultPolicy/Resource";
        b.actions(assets, artifactActions, "s3:GetObject*", "s3:GetBucket*", "s3:List*");
        b.resource(assets, bucket + "/*", artifactObjects);
        b.resource(assets, codeBuildLogs + "*", "Asset publishing writes the logs of the asset CodeBuild"
                + " projects CDK Pipelines generates (one per asset, named at build time).");
        b.resource(assets, reportGroups + "*", "Asset publishing may write test reports of the asset CodeBuild"
                + " projects CDK Pipelines generates.");
        b.resource(assets, "*", "Asset publishing starts and watches the pipeline's own asset CodeBuild projects,"
                + " whose names CDK Pipelines generates.");

        b.actions(checkRole, artifactActions, "s3:GetObject*", "s3:GetBucket*", "s3:List*", "kms:ReEncrypt*",
                "kms:GenerateDataKey*");
        b.resource(checkRole, bucket + "/*", artifactObjects);
        b.resource(checkRole, codeBuildLogs + "<" + securityCheck + ">:*", buildLogs);
        b.resource(checkRole, reportGroups + "<" + securityCheck + ">-*", buildLogs);
        b.resource(checkRole, "<" + autoApprove + ".Arn>:*",
                "The security check invokes the versions of its own auto-approve function.");
        b.resource(checkRole, "*", "The security diff assumes only roles tagged aws-cdk:bootstrap-role=deploy by"
                + " cdk bootstrap (condition), to read prod's deployed stack.");

        String reviewCheck = logicalId(inner + "prod/ReviewCheck/ReviewCheck/Resource");
        String reviewRole = inner + "prod/ReviewCheck/ReviewCheck/Role/DefaultPolicy/Resource";
        b.actions(reviewRole, artifactActions, "s3:GetObject*", "s3:GetBucket*", "s3:List*", "kms:ReEncrypt*",
                "kms:GenerateDataKey*");
        b.resource(reviewRole, bucket + "/*", artifactObjects);
        b.resource(reviewRole, codeBuildLogs + "<" + reviewCheck + ">:*", buildLogs);
        b.resource(reviewRole, reportGroups + "<" + reviewCheck + ">-*", buildLogs);

        for (String stage : smokeStages) {
            String smokeProject = logicalId(inner + stage + "/SmokeTests/SmokeTests/Resource");
            String smokeRole = "SmokeTestsRole-" + stage + "/DefaultPolicy/Resource";
            b.actions(smokeRole, artifactActions, "s3:GetObject*", "s3:GetBucket*", "s3:List*", "kms:ReEncrypt*",
                    "kms:GenerateDataKey*");
            b.resource(smokeRole, bucket + "/*", artifactObjects);
            b.resource(smokeRole, codeBuildLogs + "<" + smokeProject + ">:*", buildLogs);
            b.resource(smokeRole, reportGroups + "<" + smokeProject + ">-*", buildLogs);
        }

        String approveRole = p + "PipelinesSecurityCheck/CDKPipelinesAutoApprove/ServiceRole/DefaultPolicy/Resource";
        b.resource(approveRole, "arn:aws:logs:" + accountRegion + ":log-group:/aws/lambda/*", "The auto-approve"
                + " function's log group: its name is generated with the function, which depends on this policy,"
                + " so the literal prefix is the narrowest scope.");
        b.resource(approveRole, "*", "Approval is limited by condition to pipelines tagged"
                + " SECURITY_CHECK=ALLOW_APPROVE.");

        String function = p + "PipelinesSecurityCheck/CDKPipelinesAutoApprove/Resource";
        String functionReason = "CDK Pipelines' auto-approve function: invoked synchronously by the security check a"
                + " few times per release, its settings are CDK's.";
        b.rule(function, "Serverless-LambdaDLQ", functionReason);
        b.rule(function, "Serverless-LambdaDefaultMemorySize", functionReason);
        b.rule(function, "Serverless-LambdaTracing", functionReason);
        b.rule(inner + "ArtifactsBucket/Resource", "AwsSolutions-S1", "The artifact bucket holds build"
                + " outputs only; CloudTrail covers access auditing in the tools account.");
        return entries;
    }

    /** The source action's construct id, as CDK Pipelines names it: the repository with '/' as '_'. */
    private static String sourceActionName(PipelineConfig config) {
        return config.repository().replace('/', '_');
    }

    private String logicalId(String relativePath) {
        return getLogicalId((CfnElement) ReviewedFindings.descendant(this, relativePath));
    }

    public CodePipeline getPipeline() {
        return pipeline;
    }
}
