package dev.serverlesskit.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlesskit.app.testing.LocalAws;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The shaded jars' handlers (every one of {@link ShadedJarIT}'s tests, both SDK clients) in the environment Lambda
 * gives a SnapStart function: no access-key variables, only the container credentials endpoint and its token (run
 * by the {@code container-credentials-it} execution in pom.xml, in a JVM of its own). A client that reads credentials
 * from the environment only fails here.
 */
class ContainerCredentialsIT extends ShadedJarIT {
    @Test
    void thisJvmHasNoAccessKeyVariablesOnlyTheContainerEndpoint() {
        assertThat(System.getenv()).doesNotContainKeys("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                "AWS_SESSION_TOKEN", "AWS_PROFILE").containsKeys("AWS_CONTAINER_CREDENTIALS_FULL_URI",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN");
    }

    @AfterAll
    static void theHandlersGotTheirCredentialsFromTheEndpoint() {
        // one fetch per SDK client and jar at least (each class loader builds its own provider)
        assertThat(LocalAws.containerCredentialsServed()).isGreaterThanOrEqualTo(2);
    }
}
