package dev.serverlesskit.constructs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.lambda.Code;

/** Stacks and function code for construct tests. */
final class TestStacks {
    private static final Path JAR = createJar();

    private TestStacks() {
    }

    /** A stack in a concrete account and region, as deployed stacks are. */
    static Stack stack() {
        try {
            App app = new App(AppProps.builder()
                    .outdir(Files.createTempDirectory("cdk-test").toString())
                    .context(Map.of("@aws-cdk/core:enablePartitionLiterals", true))
                    .build());
            return new Stack(app, "Test", StackProps.builder()
                    .env(Environment.builder().account("123456789012").region("eu-west-1").build())
                    .build());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A deployment package: its content does not matter to a template. */
    static Code code() {
        return Code.fromAsset(JAR.toString());
    }

    static JavaFunctionProps.Builder function() {
        return JavaFunctionProps.builder().handler("example.Handler::handleRequest").code(code()).reservedConcurrency(5);
    }

    private static Path createJar() {
        try {
            Path jar = Files.createTempFile("function", ".jar");
            Files.write(jar, new byte[] {'P', 'K', 5, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
