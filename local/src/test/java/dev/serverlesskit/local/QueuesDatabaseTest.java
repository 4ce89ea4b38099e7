package dev.serverlesskit.local;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A second data directory in one JVM is refused, since ElasticMQ would persist its queues in the first's database. */
class QueuesDatabaseTest {
    @Test
    void theFirstDirectoryMayBeClaimedAgainAndAnotherIsRefusedNamingBoth() {
        QueuesDatabase db = new QueuesDatabase();
        db.claim(Path.of("target/data-a/sqs"));
        db.claim(Path.of("target/data-a/../data-a/sqs")); // a restart on the same directory
        assertThatThrownBy(() -> db.claim(Path.of("target/data-b/sqs")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(Path.of("target/data-a/sqs").toAbsolutePath().toString())
                .hasMessageContaining(Path.of("target/data-b/sqs").toAbsolutePath().toString())
                .hasMessageContaining("in a process of its own");
    }
}
