package dev.serverlesskit.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The preflight templates' Velocity subset: the allowed origin is echoed, any other gets none. */
class MockTemplateTest {
    private static final String PREFLIGHT = String.join("\n",
            "#set($origin = $input.params().header.get(\"Origin\"))",
            "#if($origin == \"\")",
            "  #set($origin = $input.params().header.get(\"origin\"))",
            "#end",
            "#if($origin == \"https://a.example\" || $origin == \"https://b.example\")",
            "  #set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)",
            "#end");

    @Test
    void echoesOnlyAnAllowedOrigin() {
        assertThat(MockTemplate.headerOverrides(PREFLIGHT, Map.of("Origin", "https://b.example")::get))
                .containsExactly(Map.entry("Access-Control-Allow-Origin", "https://b.example"));
        assertThat(MockTemplate.headerOverrides(PREFLIGHT, Map.of("origin", "https://a.example")::get))
                .containsExactly(Map.entry("Access-Control-Allow-Origin", "https://a.example"));
        assertThat(MockTemplate.headerOverrides(PREFLIGHT, Map.of("Origin", "https://evil.example")::get)).isEmpty();
        assertThat(MockTemplate.headerOverrides(PREFLIGHT, Map.<String, String>of()::get)).isEmpty();
    }

    @Test
    void anythingElseFailsLoudly() {
        assertThatThrownBy(() -> MockTemplate.headerOverrides("#foreach($x in $y)", name -> null))
                .hasMessageContaining("#foreach");
    }
}
