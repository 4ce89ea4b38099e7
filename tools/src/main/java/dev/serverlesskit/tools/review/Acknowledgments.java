package dev.serverlesskit.tools.review;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The findings a change acknowledges, from {@code review-acknowledgments.txt} at the repository root, one per line:
 * <pre>
 * &lt;kind&gt; &lt;stages&gt; &lt;subject&gt; -- &lt;reason&gt;
 * access * POST /pets -- partners read the catalog without an account (issue 42)
 * destroy dev,staging PetStore/Pets/Table -- the new key needs a new table; dev and staging data is test data
 * </pre>
 * {@code kind} is {@code destroy}, {@code deploy} (an update CloudFormation refuses), {@code protection} (a
 * stateful resource's protection lowered), {@code access}, {@code iam} or {@code new} (a stack with nothing deployed
 * or committed to compare with); {@code stages} a comma-separated list or {@code *};
 * the subject is exactly what the report prints for the finding (it prints the line to add). A reason is required. A
 * file in the change rather than a commit trailer: it travels with the revision into the pipeline, which has no git
 * history, and a line that matches no finding any more is reported as stale so it can be removed.
 */
public final class Acknowledgments {
    public static final String FILE = "review-acknowledgments.txt";
    /** The kinds of finding, in the order the report lists them. */
    public static final List<String> KINDS = List.of("new", "destroy", "deploy", "protection", "access", "iam");
    private static final Pattern LINE = Pattern.compile(
            "^(" + String.join("|", KINDS) + ")\\s+(\\S+)\\s+(.+?)\\s+--\\s+(.*)$");

    /** One acknowledgment. */
    public record Entry(int line, String kind, List<String> stages, String subject, String reason) {
        boolean matches(Finding f) {
            return kind.equals(f.kind()) && subject.equals(f.subject())
                    && (stages.contains("*") || stages.contains(f.stage()));
        }
    }

    private final List<Entry> entries;

    private Acknowledgments(List<Entry> entries) {
        this.entries = entries;
    }

    public static Acknowledgments none() {
        return new Acknowledgments(List.of());
    }

    public static Acknowledgments load(Path file) {
        if (!Files.exists(file)) {
            return none();
        }
        try {
            return parse(Files.readAllLines(file), file.getFileName().toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Acknowledgments parse(List<String> lines, String name) {
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                throw new IllegalArgumentException(name + " line " + (i + 1) + ": expected"
                        + " '<destroy|deploy|protection|access|iam|new> <stages|*> <subject> -- <reason>', got: " + line);
            }
            if (m.group(4).isBlank()) {
                throw new IllegalArgumentException(name + " line " + (i + 1) + ": the reason after '--' is empty");
            }
            entries.add(new Entry(i + 1, m.group(1), Arrays.asList(m.group(2).split(",")), m.group(3),
                    m.group(4).strip()));
        }
        return new Acknowledgments(entries);
    }

    public List<Entry> entries() {
        return entries;
    }

    /** The entry acknowledging a finding, if any. */
    public Entry find(Finding finding) {
        return entries.stream().filter(e -> e.matches(finding)).findFirst().orElse(null);
    }

    /** A finding of the review that fails the check unless acknowledged. */
    public record Finding(String kind, String stage, String subject, String description) {
        /** The line that acknowledges this finding in these stages. */
        public static String line(String kind, List<String> stages, String subject) {
            return kind + " " + String.join(",", stages) + " " + subject + " -- <why this is intended>";
        }
    }
}
