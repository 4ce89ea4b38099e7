package dev.serverlesskit.infra;

import io.github.cdklabs.cdknag.NagPack;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awscdk.Acknowledgment;
import software.amazon.awscdk.PolicyViolatingResource;
import software.amazon.awscdk.PolicyViolation;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Validations;
import software.constructs.IConstruct;

/**
 * Acknowledges cdk-nag findings on resources another library generates (CDK Pipelines), each one exactly: by the
 * path of the resource it names and its full finding id ({@code AwsSolutions-IAM5[Resource::...]}), never by a
 * pattern. The table must match the findings one to one: a finding it does not list, or an entry that matches no
 * finding (a stale review), fails synthesis with both lists, so a new resource or grant is reviewed before it ships.
 */
final class ReviewedFindings {
    private ReviewedFindings() {
    }

    /** One reviewed finding: the resource's construct path below the stack, the finding id, why it is accepted. */
    record Entry(String path, String findingId, String reason) {
    }

    /** Adds entries to a table. */
    static final class Builder {
        private final List<Entry> entries;

        Builder(List<Entry> entries) {
            this.entries = entries;
        }

        /** An AwsSolutions-IAM5 finding for each wildcard action of a policy. */
        Builder actions(String path, String reason, String... actions) {
            for (String action : actions) {
                entries.add(new Entry(path, "AwsSolutions-IAM5[Action::" + action + "]", reason));
            }
            return this;
        }

        /** An AwsSolutions-IAM5 finding for a wildcard resource of a policy, as cdk-nag prints it. */
        Builder resource(String path, String resource, String reason) {
            entries.add(new Entry(path, "AwsSolutions-IAM5[Resource::" + resource + "]", reason));
            return this;
        }

        /** A finding of a rule without finding ids. */
        Builder rule(String path, String ruleId, String reason) {
            entries.add(new Entry(path, ruleId, reason));
            return this;
        }
    }

    /**
     * Checks {@code entries} against what {@code packs} find in {@code stack} and acknowledges each entry on its
     * resource.
     *
     * @throws IllegalStateException naming every unreviewed finding and every stale entry
     */
    static void acknowledge(Stack stack, List<Entry> entries, List<NagPack> packs) {
        Set<String> found = findings(stack, packs);
        Map<String, Map<String, String>> byPath = new LinkedHashMap<>();
        Set<String> reviewed = new LinkedHashSet<>();
        for (Entry e : entries) {
            String key = e.path() + " " + e.findingId();
            if (!reviewed.add(key)) {
                throw new IllegalStateException("reviewed findings list " + key + " twice");
            }
            byPath.computeIfAbsent(e.path(), p -> new LinkedHashMap<>()).put(e.findingId(), e.reason());
        }
        List<String> unreviewed = found.stream().filter(f -> !reviewed.contains(f)).toList();
        List<String> stale = reviewed.stream().filter(r -> !found.contains(r)).toList();
        if (!unreviewed.isEmpty() || !stale.isEmpty()) {
            throw new IllegalStateException("cdk-nag findings in " + stack.getNode().getPath()
                    + " differ from the reviewed list:" + list("not reviewed (review each and add it with its"
                    + " reason, or fix it)", unreviewed) + list("reviewed but no longer found (remove them)", stale));
        }
        byPath.forEach((path, reasons) -> Validations.of(descendant(stack, path)).acknowledge(
                reasons.entrySet().stream()
                        .map(r -> Acknowledgment.builder().id(r.getKey()).reason(r.getValue()).build())
                        .toArray(Acknowledgment[]::new)));
    }

    /** "path findingId" of every finding of {@code packs} in {@code stack}, paths relative to the stack. */
    static Set<String> findings(Stack stack, List<NagPack> packs) {
        String prefix = stack.getNode().getPath() + "/";
        Set<String> found = new LinkedHashSet<>();
        for (NagPack pack : packs) {
            for (PolicyViolation violation : pack.validateScope(stack).getViolations()) {
                for (PolicyViolatingResource resource : violation.getViolatingResources()) {
                    String path = resource.getConstructPath();
                    found.add((path.startsWith(prefix) ? path.substring(prefix.length()) : path) + " "
                            + violation.getRuleName());
                }
            }
        }
        return found;
    }

    /** The construct at {@code relativePath} below {@code root}. */
    static IConstruct descendant(IConstruct root, String relativePath) {
        IConstruct found = ConstructPaths.tryDescendant(root, relativePath);
        if (found == null) {
            throw new IllegalStateException("no construct at " + relativePath);
        }
        return found;
    }

    private static String list(String title, List<String> items) {
        return items.isEmpty() ? "" : "\n  " + title + ":\n    " + String.join("\n    ", items);
    }
}
