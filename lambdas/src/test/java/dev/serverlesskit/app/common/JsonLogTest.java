package dev.serverlesskit.app.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.jr.ob.JSON;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonLogTest {

    @Test
    void theThresholdIsLambdasApplicationLogLevelEveryOneOfIt() {
        for (JsonLog.Level level : JsonLog.Level.values()) {
            assertThat(JsonLog.threshold(level.name())).isEqualTo(level);
        }
        assertThat(JsonLog.threshold("TRACE")).isEqualTo(JsonLog.Level.TRACE);
        assertThat(JsonLog.threshold("debug")).isEqualTo(JsonLog.Level.DEBUG);
        assertThat(JsonLog.threshold(null)).as("Lambda's text format sets no level").isEqualTo(JsonLog.Level.INFO);
    }

    @Test
    void anUnknownLevelFailsTheInitNamingTheVariable() {
        assertThatThrownBy(() -> JsonLog.threshold("LOUD"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("AWS_LAMBDA_LOG_LEVEL")
                .hasMessageContaining("LOUD");
    }

    @Test
    void aLineHasTheFieldsLambdasJsonFormatReads() throws Exception {
        Map<String, Object> line = JSON.std.mapFrom(JsonLog.format(JsonLog.Level.WARN, "slow", Map.of("ms", 12), null));
        assertThat(line).containsEntry("level", "WARN").containsEntry("message", "slow").containsEntry("ms", 12)
                .containsEntry("service", "serverless-kit-test");
        assertThat(Instant.parse((String) line.get("timestamp"))).isNotNull(); // RFC 3339
    }
}
