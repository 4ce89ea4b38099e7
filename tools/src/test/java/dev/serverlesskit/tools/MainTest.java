package dev.serverlesskit.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.serverlesskit.tools.cfn.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: exit codes a pipeline can use, both formats, and bad input named. */
class MainTest {
    @TempDir
    Path dir;

    private record Run(int code, String out) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return new Run(code, bytes.toString(StandardCharsets.UTF_8));
    }

    private Path head(java.util.function.Consumer<Map<String, ObjectNode>> change) {
        Map<String, ObjectNode> templates = Fixtures.templates();
        change.accept(templates);
        Path head = dir.resolve("head");
        templates.forEach((key, t) -> Fixtures.write(head.resolve((key.contains("/") ? key.replace('/', '-')
                : "tools-" + key) + ".template.json"), Json.pretty(t)));
        return head;
    }

    @Test
    void theReviewExitsOneOnAnUnacknowledgedFindingAndZeroOnceAcknowledged() {
        Path head = head(t -> Fixtures.makePublic("dev/ServerlessKit", t.get("dev/ServerlessKit"), "POST /pets",
                "a reason"));
        String snapshots = Fixtures.snapshots().toString();

        Run failing = run("review", "--base", snapshots, "--head", head.toString(), "--format", "text");
        assertThat(failing.code()).isEqualTo(1);
        assertThat(failing.out()).startsWith("Infrastructure review\n=====================\n\nCheck: fails.");
        assertThat(failing.out()).contains("access dev POST /pets -- <why this is intended>");

        Path acks = dir.resolve("acks.txt");
        Fixtures.write(acks, "access dev POST /pets -- partners add pets\n");
        Run passing = run("review", "--base", snapshots, "--head", head.toString(), "--acknowledgments",
                acks.toString(), "--format", "markdown", "--title", "Review of this change");
        assertThat(passing.code()).isZero();
        assertThat(passing.out()).startsWith("## Review of this change\n\n**Check: passes**, with 1 acknowledged"
                + " finding.");
    }

    @Test
    void aStackWithNothingToCompareWithIsOneFindingToAcknowledge() {
        Path empty = dir.resolve("nothing-deployed");
        Fixtures.write(empty.resolve("README"), "");
        Run r = run("review", "--base", empty.toString(), "--head", Fixtures.snapshots().toString(), "--stage", "prod");

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("new   prod    a new stack with nothing to compare with: ",
                "new prod prod/ServerlessKit -- <why this is intended>");
        assertThat(r.out()).doesNotContain("access prod", "iam prod");
    }

    @Test
    void badInputIsNamed() {
        assertThatThrownBy(() -> run("review", "--head", "x")).hasMessage("--base is required");
        assertThatThrownBy(() -> run("review", "--base", "/no/such/dir", "--head", "x"))
                .hasMessage("--base: /no/such/dir does not exist");
        assertThatThrownBy(() -> run("cost", "--templates", Fixtures.snapshots().toString(), "--stage", "qa",
                "--profile", Fixtures.root().resolve("tools/traffic/default.json").toString()))
                .hasMessageStartingWith("no stack of stage 'qa' in ").hasMessageEndingWith(
                        "(stages: dev, staging, prod, tools)");
        assertThatThrownBy(() -> run("review", "--base", ".", "--head", ".", "--format", "html"))
                .hasMessage("--format must be text or markdown, got html");
    }

    @Test
    void stacksListsWhatTheDeployedCheckNeeds() {
        Run r = run("stacks", "--templates", Fixtures.snapshots().toString(), "--stage", "prod");
        assertThat(r.out()).isEqualTo("prod/ServerlessKit\tprod\t-\teu-west-1\t-\tprod-ServerlessKit.template.json\n");
    }
}
