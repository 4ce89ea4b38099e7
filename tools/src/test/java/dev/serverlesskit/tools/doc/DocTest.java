package dev.serverlesskit.tools.doc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DocTest {
    @Test
    void markdownWrapsParagraphsAndItemsAtTheWidthAndTextDropsTheMarks() {
        Doc doc = new Doc().paragraph("**one** two three four").bullets(List.of("alpha beta gamma delta"))
                .table(List.of("A", "Bee"), List.of(List.of("x|y", "`z`")));

        assertThat(doc.markdown(16)).isEqualTo("**one** two\nthree four\n\n- alpha beta\n  gamma delta\n\n"
                + "| A | Bee |\n|---|---|\n| x\\|y | `z` |\n");
        assertThat(doc.markdown(0)).startsWith("**one** two three four\n\n- alpha beta gamma delta\n");
        assertThat(doc.text()).isEqualTo("one two three four\n\n- alpha beta gamma delta\n\nA    Bee\n---  ---\n"
                + "x|y  z\n");
    }
}
