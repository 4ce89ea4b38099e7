package dev.serverlesskit.constructs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InvokePatternTest {
    @Test
    void aGrantNamesPathParametersAsWildcards() {
        assertThat(InvokePattern.of("/orders/{orderId}/lines/{line}")).isEqualTo("/orders/*/lines/*");
    }

    @Test
    void aWildcardCoversItsOwnRouteAndEveryRouteNestedBelowIt() {
        assertThat(InvokePattern.covers("/orders/*", "/orders/{orderId}")).isTrue();
        assertThat(InvokePattern.covers("/orders/*", "/orders/{orderId}/notes")).isTrue();
        assertThat(InvokePattern.covers("/orders/*", "/orders/{orderId}/notes/{noteId}")).isTrue();
        assertThat(InvokePattern.covers("/orders/*", "/orders/open")).isTrue();
    }

    @Test
    void aParameterOfAnotherRouteCanTakeTheGrantsLiteralSegment() {
        assertThat(InvokePattern.covers("/orders/*", "/{tenant}/summary")).isTrue(); // tenant "orders"
        assertThat(InvokePattern.covers("/a/*/c", "/a/{x}/{y}")).isTrue();          // y "c"
        assertThat(InvokePattern.covers("/a", "/{x}")).isTrue();
    }

    @Test
    void whatNoRequestOfTheRouteCanMatchIsNotCovered() {
        assertThat(InvokePattern.covers("/orders/*", "/orders")).isFalse();        // * needs the '/' before it
        assertThat(InvokePattern.covers("/orders/*", "/customers/{id}")).isFalse();
        assertThat(InvokePattern.covers("/orders/*/notes", "/orders/{orderId}")).isFalse();
        assertThat(InvokePattern.covers("/a/b", "/{x}")).isFalse();                // a parameter holds no '/'
        assertThat(InvokePattern.covers("/orders", "/orders/{orderId}")).isFalse();
    }
}
