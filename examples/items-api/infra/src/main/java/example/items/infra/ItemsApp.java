package example.items.infra;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.ServerlessChecks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.services.lambda.Code;

/**
 * The CDK app: one {@link ItemsStack}, the items API. Run by the CDK CLI ({@code cdk synth}, through {@code cdk.json}'s app
 * command) or on its own ({@code mvn -q package -DskipTests exec:java}, writing to {@code CDK_OUTDIR} or
 * {@code cdk.out}); both from the project root. cdk-nag's AwsSolutions and Serverless packs check every synthesis:
 * an unacknowledged finding fails it.
 */
public final class ItemsApp {
    /** The deployment package that {@code function/} builds ({@code mvn package}). */
    static final Path FUNCTION_JAR = Path.of("function", "target", "function.jar");

    private ItemsApp() {
    }

    public static void main(String[] args) {
        String outdir = System.getenv("CDK_OUTDIR") != null ? null : "cdk.out";
        App app = newApp(outdir);
        build(app);
        Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
        app.synth();
    }

    /**
     * An app with {@code cdk.json}'s context (its feature flags), so that an app run without the CLI, as the tests
     * run it, synthesizes what {@code cdk synth} does. Context that the CLI passes takes precedence.
     */
    static App newApp(String outdir) {
        return new App(AppProps.builder().context(cdkJsonContext()).outdir(outdir).build());
    }

    /** Adds the service's stack to {@code app}. */
    static ItemsStack build(App app) {
        if (!Files.isRegularFile(FUNCTION_JAR)) {
            throw new IllegalStateException(FUNCTION_JAR.toAbsolutePath() + " is missing: build it first"
                    + " (mvn package, from the project root)");
        }
        return new ItemsStack(app, "items-api", StackProps.builder()
                // The account and region of the CLI's credentials when there are some; none (environment-agnostic) else.
                .env(Environment.builder()
                        .account(System.getenv("CDK_DEFAULT_ACCOUNT"))
                        .region(System.getenv("CDK_DEFAULT_REGION"))
                        .build())
                .build(), Code.fromAsset(FUNCTION_JAR.toString()));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> cdkJsonContext() {
        try {
            // Jackson comes with aws-cdk-lib (its jsii runtime).
            Map<String, Object> cdkJson = new ObjectMapper().readValue(Files.readString(Path.of("cdk.json")), Map.class);
            return new HashMap<>((Map<String, Object>) cdkJson.getOrDefault("context", Map.of()));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read cdk.json (run from the project root)", e);
        }
    }
}
