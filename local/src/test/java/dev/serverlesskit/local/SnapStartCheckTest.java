package dev.serverlesskit.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SnapStartCheckTest {
    /** A handler as the app writes them: configuration, a client, a clock, a helper of its own package. */
    static class CleanHandler {
        final String table = "Pets";
        final Clock clock = Clock.systemUTC();
        final Helper helper = new Helper(3);
        final Object client = new Object(); // a library object: not looked into
        final java.security.SecureRandom secure = new java.security.SecureRandom();
    }

    static class Helper {
        final int retries;
        final String id;

        Helper(int retries) {
            this(retries, "fixed");
        }

        Helper(int retries, String id) {
            this.retries = retries;
            this.id = id;
        }
    }

    static class HazardousHandler extends CleanHandler {
        final String instanceId = UUID.randomUUID().toString();
        final Instant startedAt = Instant.now().plusNanos(new Random().nextInt(1000) + 1);
        final Random jitter = new Random(42);
        final Helper tagged = new Helper(1, UUID.randomUUID().toString());
    }

    @Test
    void twoInitsOfAHandlerWithoutInitStateAgree() {
        assertThat(SnapStartCheck.hazards(new CleanHandler(), new CleanHandler())).isEmpty();
    }

    @Test
    void valuesUniqueToOneInitAndRandomsAreFlaggedByPath() {
        List<String> hazards = SnapStartCheck.hazards(new HazardousHandler(), new HazardousHandler());
        assertThat(hazards).hasSize(4);
        assertThat(hazards).anySatisfy(h -> assertThat(h).startsWith("HazardousHandler.instanceId differs"));
        assertThat(hazards).anySatisfy(h -> assertThat(h).startsWith("HazardousHandler.startedAt differs"));
        assertThat(hazards).anySatisfy(h -> assertThat(h)
                .startsWith("HazardousHandler.jitter holds a java.util.Random"));
        assertThat(hazards).anySatisfy(h -> assertThat(h).startsWith("HazardousHandler.tagged.id differs"));
    }

    @Test
    void ownCodeIsTheHandlersTopTwoPackageLevels() {
        assertThat(SnapStartCheck.ownPrefix("dev.serverlesskit.app.petstore.GetPetHandler"))
                .isEqualTo("dev.serverlesskit.");
    }
}
