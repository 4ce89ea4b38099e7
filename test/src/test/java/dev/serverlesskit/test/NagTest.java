package dev.serverlesskit.test;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlesskit.infra.DeliveryPipeline;
import dev.serverlesskit.infra.ProjectFiles;
import dev.serverlesskit.infra.ServerlessKitApp;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPack;
import io.github.cdklabs.cdknag.ServerlessChecks;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import software.amazon.awscdk.App;
import software.amazon.awscdk.PolicyViolatingResource;
import software.amazon.awscdk.PolicyViolation;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.s3.Bucket;
import software.constructs.IConstruct;

/**
 * cdk-nag's AwsSolutions and Serverless packs on every stage: no unacknowledged finding (synthesis enforces it too),
 * and every acknowledgment gives a reason a reviewer can read in the template's metadata.
 */
class NagTest {

    @TestFactory
    Stream<DynamicTest> everyStageIsNagClean() {
        return Synthesis.shared().stages().stream().flatMap(stage -> Stream.of(
                DynamicTest.dynamicTest(stage.getConfig().name() + ": AwsSolutions",
                        () -> assertThat(findings(new AwsSolutionsChecks(), stage)).isEmpty()),
                DynamicTest.dynamicTest(stage.getConfig().name() + ": Serverless",
                        () -> assertThat(findings(new ServerlessChecks(), stage)).isEmpty())));
    }

    @TestFactory
    Stream<DynamicTest> thePipelineIsNagClean() {
        DeliveryPipeline pipeline = Synthesis.shared().pipeline();
        return Stream.of(
                DynamicTest.dynamicTest("pipeline: AwsSolutions",
                        () -> assertThat(findings(new AwsSolutionsChecks(), pipeline)).isEmpty()),
                DynamicTest.dynamicTest("pipeline: Serverless",
                        () -> assertThat(findings(new ServerlessChecks(), pipeline)).isEmpty()));
    }

    /**
     * The pipeline's acknowledgments name exact findings, so anything new in its stack is a finding: here an
     * unlogged bucket and a wildcard grant on a role whose other findings are acknowledged.
     */
    @Test
    void aProbeAddedToThePipelineStackIsAFinding() throws Exception {
        App app = ServerlessKitApp.newApp(Map.of("@aws-cdk/core:annotationsInValidationReport", false),
                Files.createTempDirectory(ProjectFiles.root().resolve("test/target"), "probe-").toString());
        ServerlessKitApp.build(app, ProjectFiles.functionJars());
        DeliveryPipeline pipeline = (DeliveryPipeline) app.getNode().findChild("Pipeline");
        new Bucket(pipeline, "UnloggedProbe");
        pipeline.getPipeline().getPipeline().getRole().addToPrincipalPolicy(PolicyStatement.Builder.create()
                .actions(List.of("s3:GetObject*")).resources(List.of("arn:aws:s3:::probe-bucket/*")).build());

        List<String> found = findings(new AwsSolutionsChecks(), pipeline);
        assertThat(found).contains(
                "AwsSolutions-S1 at Pipeline/UnloggedProbe/Resource",
                "AwsSolutions-IAM5[Resource::arn:aws:s3:::probe-bucket/*] at"
                        + " Pipeline/Pipeline/Pipeline/Role/DefaultPolicy/Resource");
        assertThat(found).allMatch(f -> f.contains("UnloggedProbe") || f.contains("probe-bucket"));
    }

    private static List<String> findings(NagPack pack, IConstruct scope) {
        List<String> result = new ArrayList<>();
        for (PolicyViolation violation : pack.validateScope(scope).getViolations()) {
            for (PolicyViolatingResource resource : violation.getViolatingResources()) {
                result.add(violation.getRuleName() + " at " + resource.getConstructPath());
            }
        }
        return result;
    }
}
