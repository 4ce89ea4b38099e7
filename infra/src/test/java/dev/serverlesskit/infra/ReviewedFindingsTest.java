package dev.serverlesskit.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPack;
import io.github.cdklabs.cdknag.ServerlessChecks;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.TopicProps;

/**
 * {@link ReviewedFindings}: a finding is acknowledged only on the resource the review names, by its full id; a finding
 * nobody reviewed (a probe added to the stack, the same rule on another resource) or a review entry that matches
 * nothing fails synthesis.
 */
class ReviewedFindingsTest {
    private static final List<NagPack> PACKS = List.of(new AwsSolutionsChecks(), new ServerlessChecks());
    private static final String SSL = "AwsSolutions-SNS3";

    @TempDir
    Path outdir;

    private Stack stack() {
        App app = new App(AppProps.builder().outdir(outdir.toString())
                .context(Map.of("@aws-cdk/core:annotationsInValidationReport", false)).build());
        return new Stack(app, "Tools", StackProps.builder()
                .env(Environment.builder().account("444444444444").region("eu-west-1").build()).build());
    }

    private static ReviewedFindings.Entry entry(String path, String id) {
        return new ReviewedFindings.Entry(path, id, "reviewed in a test");
    }

    @Test
    void reviewedFindingsAreAcknowledgedOnTheirResourceOnly() {
        Stack stack = stack();
        new Topic(stack, "Reviewed", TopicProps.builder().build());
        ReviewedFindings.acknowledge(stack,
                List.of(entry("Reviewed/Resource", SSL)), PACKS);
        assertThat(ReviewedFindings.findings(stack, PACKS)).isEmpty();

        new Topic(stack, "Probe", TopicProps.builder().build()); // added after the review: still a finding
        assertThat(ReviewedFindings.findings(stack, PACKS))
                .containsExactly("Probe/Resource " + SSL);
    }

    @Test
    void aProbeNobodyReviewedFailsNamingItsPathAndFinding() {
        Stack stack = stack();
        new Topic(stack, "Reviewed", TopicProps.builder().build());
        new Topic(stack, "Probe", TopicProps.builder().build()); // the same rules as a reviewed resource
        assertThatThrownBy(() -> ReviewedFindings.acknowledge(stack,
                List.of(entry("Reviewed/Resource", SSL)), PACKS))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not reviewed")
                .hasMessageContaining("Probe/Resource " + SSL)
                .hasMessageNotContaining("Reviewed/Resource");
    }

    @Test
    void aReviewThatNoLongerMatchesAFindingFails() {
        Stack stack = stack();
        new Topic(stack, "Reviewed", TopicProps.builder().build());
        assertThatThrownBy(() -> ReviewedFindings.acknowledge(stack, List.of(
                entry("Reviewed/Resource", SSL),
                entry("Gone/Resource", "AwsSolutions-S1")), PACKS))
                .hasMessageContaining("no longer found")
                .hasMessageContaining("Gone/Resource AwsSolutions-S1");
    }
}
