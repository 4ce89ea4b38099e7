package dev.serverlesskit.test;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DeterminismTest {

    @Test
    void twoSynthesesOfTheSameSourcesGiveIdenticalTemplates() {
        Synthesis first = Synthesis.shared();
        Synthesis second = Synthesis.fresh();
        assertThat(second.templates().keySet()).containsExactlyElementsOf(first.templates().keySet());
        second.templates().forEach((key, template) ->
                assertThat(template).as(key).isEqualTo(first.templates().get(key)));
    }
}
