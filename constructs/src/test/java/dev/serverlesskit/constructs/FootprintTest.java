package dev.serverlesskit.constructs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.serverlesskit.constructs.examples.DataTableExample;
import dev.serverlesskit.constructs.examples.GradualDeploymentExample;
import dev.serverlesskit.constructs.examples.OverviewExample;
import dev.serverlesskit.constructs.examples.StageProfileExample;
import dev.serverlesskit.constructs.examples.JavaFunctionExample;
import dev.serverlesskit.constructs.examples.OperationsExample;
import dev.serverlesskit.constructs.examples.QueueWorkerExample;
import dev.serverlesskit.constructs.examples.ServerlessApiExample;
import dev.serverlesskit.constructs.examples.UserDirectoryExample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Stage;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.assertions.Template;
import software.constructs.Construct;

/**
 * Each construct's example ({@code examples/}) synthesized alone with the construct's defaults, against the template
 * committed in {@code constructs/footprints/}. The constructs README's "Creates, and costs at zero traffic" tables are
 * generated from those templates by {@code scripts/update-docs} (priced with the review's cost model) and checked by
 * the tools' {@code GeneratedDocsTest}: a library change that adds a resource or an alarm fails here until the
 * footprints are regenerated ({@code -Dsnapshot.update=true}), and then there until the docs are.
 *
 * <p>Where an example needs another construct (an API routes to a function), that one is synthesized first on its
 * own and its logical ids are listed in the template's {@code serverlesskit:footprint} metadata as {@code excluded}:
 * the footprint is what the construct adds.
 */
class FootprintTest {
    static final Path DIR = Path.of("footprints");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    /** {@code others}: what the example needs besides the construct (null: nothing), not part of its footprint. */
    record Example(String construct, Consumer<Stack> others, String othersAre, Consumer<Stack> example) {
        Example(String construct, Consumer<Stack> example) {
            this(construct, null, null, example);
        }
    }

    static List<Example> examples() {
        return List.of(
                new Example("Operations", OperationsExample::define),
                new Example("JavaFunction", s -> JavaFunctionExample.define(s, TestStacks.code())),
                new Example("DataTable", DataTableExample::define),
                new Example("QueueWorker", s -> QueueWorkerExample.define(s, TestStacks.code())),
                new Example("UserDirectory", UserDirectoryExample::define),
                new Example("ServerlessApi", s -> JavaFunctionExample.define(s, TestStacks.code()),
                        "the JavaFunction it routes to",
                        s -> ServerlessApiExample.define(s, (JavaFunction) s.getNode().findChild("GetOrder"))));
    }

    @TestFactory
    Stream<DynamicTest> everyConstructsFootprintMatchesItsCommittedTemplate() {
        return examples().stream().map(e -> DynamicTest.dynamicTest(e.construct(), () -> {
            String actual = synthesize(e);
            Path file = DIR.resolve(e.construct() + ".template.json");
            if (Boolean.getBoolean("snapshot.update")) {
                Files.createDirectories(DIR);
                Files.writeString(file, actual);
                return;
            }
            if (!Files.exists(file)) {
                fail("No footprint " + file + " for " + e.construct()
                        + ": run the constructs tests with -Dsnapshot.update=true, then scripts/update-docs");
            }
            assertThat(JSON.readTree(actual)).as("footprint of " + e.construct() + " (" + file + ") is stale: run"
                    + " the constructs tests with -Dsnapshot.update=true, then scripts/update-docs")
                    .isEqualTo(JSON.readTree(Files.readString(file)));
        }));
    }

    @Test
    void theApiFootprintExcludesTheFunctionItRoutesToButKeepsTheInvokePermission() throws IOException {
        JsonNode t = JSON.readTree(synthesize(examples().get(5)));
        List<String> excluded = new ArrayList<>();
        t.path("Metadata").path("serverlesskit:footprint").path("excludedPaths")
                .forEach(n -> excluded.add(n.asText()));
        List<String> own = new ArrayList<>();
        t.path("Resources").forEach(r -> {
            if (!excluded.contains(r.path("Metadata").path("aws:cdk:path").asText())) {
                own.add(r.path("Type").asText());
            }
        });
        assertThat(own).contains("AWS::ApiGateway::RestApi", "AWS::Lambda::Permission")
                .doesNotContain("AWS::Lambda::Function", "AWS::Lambda::Version", "AWS::Lambda::Alias");
    }

    @Test
    void theExamplesWithoutAFootprintSynthesize() {
        Stack overview = new OverviewExample((Construct) stack().getNode().getScope(), "Overview", TestStacks.code());
        Template t = Template.fromStack(overview);
        t.resourceCountIs("AWS::ApiGateway::Method", 3);
        t.resourceCountIs("AWS::ApiGateway::Authorizer", 1);

        App app = (App) stack().getNode().getScope();
        StageProfileExample.define(app);
        Stage prod = (Stage) app.getNode().findChild("prod");
        assertThat(StageProfile.of(new Stack(prod, "Stack")).getRemovalPolicy()).isEqualTo(RemovalPolicy.RETAIN);
        Stage dev = (Stage) app.getNode().findChild("dev");
        assertThat(StageProfile.of(new Stack(dev, "Stack")).getRemovalPolicy()).isEqualTo(RemovalPolicy.DESTROY);

        Stack stack = stack();
        JavaFunction hook = new JavaFunction(stack, "Hook", TestStacks.function().timeout(Duration.seconds(30))
                .build());
        Alarm failures = Alarm.Builder.create(stack, "CheckoutFailures").threshold(1).evaluationPeriods(1)
                .metric(Metric.Builder.create().namespace("Shop").metricName("CheckoutFailures").build()).build();
        GradualDeploymentExample.define(stack, TestStacks.code(), failures, hook.getFunction());
        Template.fromStack(stack).resourceCountIs("AWS::CodeDeploy::DeploymentGroup", 1);
    }

    static String synthesize(Example e) throws IOException {
        List<String> excluded = new ArrayList<>();
        if (e.others() != null) {
            Stack baseline = stack();
            e.others().accept(baseline);
            JsonNode base = JSON.valueToTree(Template.fromStack(baseline).toJSON());
            base.path("Resources").forEach(r -> excluded.add(r.path("Metadata").path("aws:cdk:path").asText()));
            excluded.sort(String::compareTo);
        }
        Stack stack = stack();
        if (e.others() != null) {
            e.others().accept(stack);
        }
        e.example().accept(stack);
        Map<String, Object> footprint = new LinkedHashMap<>();
        footprint.put("construct", e.construct());
        footprint.put("example", "src/test/java/dev/serverlesskit/constructs/examples/" + e.construct()
                + "Example.java");
        // By construct path, not logical id: a function's version gets a new logical id when an API adds to its
        // environment, and is still the function's.
        footprint.put("excludedPaths", excluded);
        if (e.othersAre() != null) {
            footprint.put("excludedAre", e.othersAre());
        }
        stack.getTemplateOptions().setMetadata(Map.of("serverlesskit:footprint", footprint));
        String json = JSON.writeValueAsString(Template.fromStack(stack).toJSON());
        // The test jar never changes, but an asset hash is not what a footprint is about.
        return json.replaceAll("(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])", "<asset>") + "\n";
    }

    private static Stack stack() {
        try {
            App app = new App(AppProps.builder()
                    .outdir(Files.createTempDirectory("cdk-footprint").toString())
                    .analyticsReporting(false)
                    .context(Map.of("@aws-cdk/core:enablePartitionLiterals", true,
                            "aws:cdk:enable-path-metadata", true))
                    .build());
            return new Stack(app, "Example", StackProps.builder()
                    .env(Environment.builder().account("123456789012").region("eu-west-1").build())
                    .build());
        } catch (IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
    }
}
