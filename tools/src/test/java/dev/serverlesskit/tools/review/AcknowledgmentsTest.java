package dev.serverlesskit.tools.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serverlesskit.tools.review.Acknowledgments.Finding;
import java.util.List;
import org.junit.jupiter.api.Test;

class AcknowledgmentsTest {
    @Test
    void anEntryMatchesItsKindSubjectAndStagesExactly() {
        Acknowledgments acks = Acknowledgments.parse(List.of("# comment", "",
                "access dev,staging POST /pets -- partners first", "iam * AddPet dynamodb:DeleteItem on Pets -- ok"),
                "f");
        Finding dev = new Finding("access", "dev", "POST /pets", "");
        Finding prod = new Finding("access", "prod", "POST /pets", "");
        Finding other = new Finding("access", "dev", "POST /pet", "");
        Finding iam = new Finding("iam", "prod", "AddPet dynamodb:DeleteItem on Pets", "");

        assertThat(acks.find(dev)).isNotNull().extracting(Acknowledgments.Entry::line).isEqualTo(3);
        assertThat(acks.find(prod)).isNull();
        assertThat(acks.find(other)).isNull();
        assertThat(acks.find(iam).reason()).isEqualTo("ok");
        assertThat(acks.find(new Finding("destroy", "prod", "AddPet dynamodb:DeleteItem on Pets", ""))).isNull();
    }

    @Test
    void aLineWithoutAReasonOrInAnotherShapeFailsNamingTheLine() {
        assertThatThrownBy(() -> Acknowledgments.parse(List.of("access * POST /pets --  "), "acks.txt"))
                .hasMessage("acks.txt line 1: expected '<destroy|deploy|protection|access|iam|new> <stages|*> <subject> -- <reason>',"
                        + " got: access * POST /pets --");
        assertThatThrownBy(() -> Acknowledgments.parse(List.of("", "allow * POST /pets -- why"), "acks.txt"))
                .hasMessageStartingWith("acks.txt line 2: expected");
    }
}
