package dev.serverlesskit.infra;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPack;
import io.github.cdklabs.cdknag.ServerlessChecks;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import software.amazon.awscdk.Acknowledgment;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.PolicyViolatingResource;
import software.amazon.awscdk.PolicyViolation;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.pipelines.AddStageOpts;
import software.amazon.awscdk.pipelines.CodeBuildStep;
import software.amazon.awscdk.pipelines.CodeBuildOptions;
import software.amazon.awscdk.pipelines.CodePipeline;
import software.amazon.awscdk.pipelines.CodePipelineSource;
import software.amazon.awscdk.pipelines.ConfirmPermissionsBroadening;
import software.amazon.awscdk.pipelines.ConnectionSourceOptions;
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
import software.amazon.awscdk.services.lambda.Function;
import software.constructs.Construct;
import software.constructs.IConstruct;

/**
 * The delivery pipeline, in the tools account: source, build and test, synthesis, then each stage in order.
 * dev and staging deploy on every change; prod first runs a security check (it stops for a person when the change
 * broadens IAM permissions or security groups) and waits for a manual approval. Cross-account keys let the
 * stage accounts read the pipeline's artifacts.
 */
public class DeliveryPipeline extends Stack {
    private static final String PIPELINE_ID = "Pipeline";
    private final CodePipeline pipeline;
    private String stackPath;

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

        for (ServerlessKitStage stage : stages) {
            if (!stage.getConfig().name().equals("prod")) {
                pipeline.addStage(stage);
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
        reviewGeneratedResources();
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
     * check gets an inline logging policy instead of the AWS managed one, and every remaining cdk-nag finding must
     * match one of {@link #GENERATED_GRANTS}, each with the reason it is acceptable. A finding that matches none
     * stays and fails synthesis.
     */
    private void reviewGeneratedResources() {
        pipeline.buildPipeline();
        ConstructPaths generated = new ConstructPaths(this);
        Function autoApprove = (Function) descendant(generated,
                PIPELINE_ID + "/PipelinesSecurityCheck/CDKPipelinesAutoApprove");
        ((CfnRole) autoApprove.getRole().getNode().getDefaultChild()).setManagedPolicyArns(null);
        autoApprove.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"))
                .resources(List.of(formatArn(ArnComponents.builder().service("logs").resource("log-group")
                        .resourceName("/aws/lambda/*").arnFormat(ArnFormat.COLON_RESOURCE_NAME).build())))
                .build());

        // Statements on resource "*" that CDK Pipelines adds while it synthesizes, each narrowed by its action or a
        // condition; acknowledged on the role they belong to.
        Map<String, Map<String, String>> reasonsByPath = new LinkedHashMap<>();
        acknowledgeWildcardOn(reasonsByPath, "Assets/FileRole", "Asset publishing starts and watches the"
                + " pipeline's own asset CodeBuild projects, whose names CDK Pipelines generates.");
        acknowledgeWildcardOn(reasonsByPath, "PipelinesSecurityCheck/CDKPipelinesAutoApprove/ServiceRole",
                "Approval is limited by condition to pipelines tagged SECURITY_CHECK=ALLOW_APPROVE.");
        acknowledgeWildcardOn(reasonsByPath, "PipelinesSecurityCheck/CDKSecurityCheck/Role", "The security diff"
                + " assumes only roles tagged aws-cdk:bootstrap-role=deploy by cdk bootstrap (condition), to read"
                + " prod's deployed stack.");
        acknowledge(generated, reasonsByPath);

        // cdk-nag's findings on the rest, each acknowledged on the resource it names when it is one of
        // GENERATED_GRANTS; all acknowledgments of one resource in one call.
        reasonsByPath.clear();
        for (NagPack pack : List.of(new AwsSolutionsChecks(), new ServerlessChecks())) {
            for (PolicyViolation violation : pack.validateScope(this).getViolations()) {
                String reason = GENERATED_GRANTS.entrySet().stream()
                        .filter(e -> e.getKey().matcher(violation.getRuleName()).matches())
                        .map(Map.Entry::getValue).findFirst().orElse(null);
                if (reason == null) {
                    continue;
                }
                for (PolicyViolatingResource resource : violation.getViolatingResources()) {
                    reasonsByPath.computeIfAbsent(relativePath(resource.getConstructPath()),
                            path -> new LinkedHashMap<>()).putIfAbsent(violation.getRuleName(), reason);
                }
            }
        }
        acknowledge(generated, reasonsByPath);
    }

    /** Acknowledges, on each construct (by its path below this stack), its findings with their reasons. */
    private static void acknowledge(ConstructPaths generated, Map<String, Map<String, String>> reasonsByPath) {
        reasonsByPath.forEach((path, reasons) -> Validations.of(descendant(generated, path)).acknowledge(
                reasons.entrySet().stream()
                        .map(e -> Acknowledgment.builder().id(e.getKey()).reason(e.getValue()).build())
                        .toArray(Acknowledgment[]::new)));
    }

    /** The construct CDK Pipelines generated at {@code relativePath} below this stack. */
    private static IConstruct descendant(ConstructPaths generated, String relativePath) {
        IConstruct found = generated.tryFind(relativePath);
        if (found == null) {
            throw new IllegalStateException("CDK Pipelines has no " + relativePath);
        }
        return found;
    }

    /** A construct path of this stack's, relative to the stack. */
    private String relativePath(String constructPath) {
        String prefix = stackPath() + "/";
        if (!constructPath.startsWith(prefix)) {
            throw new IllegalStateException("cdk-nag reported " + constructPath + ", outside " + stackPath());
        }
        return constructPath.substring(prefix.length());
    }

    private String stackPath() {
        if (stackPath == null) {
            stackPath = getNode().getPath();
        }
        return stackPath;
    }

    private static void acknowledgeWildcardOn(Map<String, Map<String, String>> reasonsByPath, String pathInPipeline,
            String reason) {
        reasonsByPath.computeIfAbsent(PIPELINE_ID + "/" + pathInPipeline, path -> new LinkedHashMap<>())
                .put("AwsSolutions-IAM5[Resource::*]", reason);
    }

    /** Findings on CDK Pipelines' own resources that are acceptable, by rule id pattern, with the reason. */
    private static final Map<Pattern, String> GENERATED_GRANTS = orderedMap(
            Pattern.compile("AwsSolutions-IAM5\\[Action::(s3:(GetObject|GetBucket|List|DeleteObject|Abort)|kms:(GenerateDataKey|ReEncrypt))\\*]"),
            "CDK's standard artifact grant: these action groups apply only to the pipeline's own artifact bucket"
                    + " and KMS key.",
            Pattern.compile("AwsSolutions-IAM5\\[Resource::<PipelineArtifactsBucket\\w+\\.Arn>/\\*]"),
            "Pipeline steps read and write the objects of the pipeline's own artifact bucket.",
            Pattern.compile("AwsSolutions-IAM5\\[Resource::arn:aws:(logs:[\\w-]+:\\d{12}:log-group:/aws/codebuild/|codebuild:[\\w-]+:\\d{12}:report-group/).*]"),
            "CodeBuild creates its log streams and test report groups at build time, under its project's name.",
            Pattern.compile("AwsSolutions-IAM5\\[Resource::arn:aws:logs:[\\w-]+:\\d{12}:log-group:/aws/lambda/\\*]"),
            "The auto-approve function's log group: its name is generated with the function, which depends on"
                    + " this policy, so the literal prefix is the narrowest scope.",
            Pattern.compile("AwsSolutions-IAM5\\[Resource::<\\w*CDKPipelinesAutoApprove\\w*\\.Arn>:\\*]"),
            "The security check invokes the versions of its own auto-approve function.",
            Pattern.compile("AwsSolutions-S1"),
            "The artifact bucket holds build outputs only; CloudTrail covers access auditing in the tools account.",
            Pattern.compile("AwsSolutions-L1|Serverless-Lambda(DLQ|DefaultMemorySize|Tracing|LatestVersion)"),
            "CDK Pipelines' auto-approve function: invoked synchronously by the security check a few times per"
                    + " release, its runtime and settings are CDK's.");

    private static Map<Pattern, String> orderedMap(Object... patternsAndReasons) {
        Map<Pattern, String> map = new LinkedHashMap<>();
        for (int i = 0; i < patternsAndReasons.length; i += 2) {
            map.put((Pattern) patternsAndReasons[i], (String) patternsAndReasons[i + 1]);
        }
        return map;
    }

    public CodePipeline getPipeline() {
        return pipeline;
    }
}
