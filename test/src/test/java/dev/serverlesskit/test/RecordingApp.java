package dev.serverlesskit.test;

import dev.serverlesskit.infra.ServerlessKitApp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The app as {@link DeterminismTest} has the CDK CLI run it: writes the context the CLI passed
 * ({@code CDK_CONTEXT_JSON}) to the file named by the system property {@value #RECORD}, then runs
 * {@link ServerlessKitApp#main}.
 */
public final class RecordingApp {
    static final String RECORD = "serverlesskit.recordContext";

    private RecordingApp() {
    }

    public static void main(String[] args) throws IOException {
        String context = System.getenv("CDK_CONTEXT_JSON");
        if (context == null) {
            throw new IllegalStateException("CDK_CONTEXT_JSON is not set: not run by the CDK CLI?");
        }
        Files.writeString(Path.of(System.getProperty(RECORD)), context);
        ServerlessKitApp.main(args);
    }
}
