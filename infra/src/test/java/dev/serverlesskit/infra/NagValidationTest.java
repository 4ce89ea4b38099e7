package dev.serverlesskit.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Stage;
import software.amazon.awscdk.StageProps;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.services.sns.Topic;

/**
 * {@link NagValidation}: an unacknowledged finding fails synthesis and is reported once, for the stack that has
 * it, however many account/region groups the app has; a clean app synthesizes.
 */
class NagValidationTest {
    @TempDir
    Path outdir;

    @Test
    void aFindingFailsSynthesisAndIsReportedOnceForItsOwnStack() throws Exception {
        App app = app();
        // an SNS topic without SSL enforcement: AwsSolutions-SNS3; one per stage, in two accounts
        new Topic(stack(app, "dev", "111111111111"), "PlainTopic");
        stack(app, "prod", "333333333333"); // clean
        Validations.of(app).addPlugins(new NagValidation(app));

        assertThatThrownBy(app::synth).hasMessageContaining("Validation failed");

        List<String> findings = findings();
        assertThat(findings).contains("AwsSolutions-SNS3 dev/Service/PlainTopic/Resource");
        assertThat(findings).doesNotHaveDuplicates();
        assertThat(findings).allMatch(f -> f.contains(" dev/Service/"));
    }

    @Test
    void anAppWithoutFindingsSynthesizes() {
        App app = app();
        stack(app, "dev", "111111111111");
        stack(app, "prod", "333333333333");
        Validations.of(app).addPlugins(new NagValidation(app));

        app.synth();
        assertThat(outdir.resolve("assembly-dev")).isDirectory();
    }

    private App app() {
        Map<String, Object> context = new TreeMap<>();
        context.put("@aws-cdk/core:annotationsInValidationReport", false);
        return new App(AppProps.builder().outdir(outdir.toString()).context(context).build());
    }

    private static Stack stack(App app, String stage, String account) {
        Stage s = new Stage(app, stage, StageProps.builder()
                .env(Environment.builder().account(account).region("eu-west-1").build()).build());
        return new Stack(s, "Service");
    }

    /** "ruleName constructPath" for every construct cdk-nag reported, from the cloud assembly's validation report. */
    private List<String> findings() throws Exception {
        Path report = Files.walk(outdir).filter(p -> p.getFileName().toString().contains("validation-report"))
                .findFirst().orElseThrow(() -> new AssertionError("no validation report in " + outdir));
        JsonNode json = new ObjectMapper().readTree(report.toFile());
        List<String> findings = new ArrayList<>();
        for (JsonNode plugin : json.path("pluginReports")) {
            if (!plugin.path("pluginName").asText().equals("cdk-nag")) {
                continue;
            }
            for (JsonNode violation : plugin.path("violations")) {
                for (JsonNode resource : violation.path("violatingConstructs")) {
                    findings.add(violation.path("ruleName").asText() + " " + resource.path("constructPath").asText());
                }
            }
        }
        return findings;
    }
}
