package dev.serverlesskit.test;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlesskit.infra.DeliveryPipeline;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPack;
import io.github.cdklabs.cdknag.ServerlessChecks;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import software.amazon.awscdk.PolicyViolatingResource;
import software.amazon.awscdk.PolicyViolation;
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
