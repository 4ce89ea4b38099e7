package dev.serverlesskit.tools.review;

import dev.serverlesskit.tools.cfn.AppModel;
import dev.serverlesskit.tools.cost.Money;
import dev.serverlesskit.tools.doc.Doc;
import dev.serverlesskit.tools.review.Acknowledgments.Entry;
import dev.serverlesskit.tools.review.Acknowledgments.Finding;
import dev.serverlesskit.tools.review.ResourceChanges.Change;
import dev.serverlesskit.tools.review.ResourceChanges.Kind;
import dev.serverlesskit.tools.review.Review.StackResult;
import dev.serverlesskit.tools.review.Review.StageResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The review as a document: the check's outcome, a verdict table per stage, then risk, access, IAM, capacity, cost,
 * code, the resource changes and a diagram of what changed. Every section collapses stages that read the same
 * ("dev, staging, prod"); the findings that fail the check come last with the line that acknowledges each.
 */
public final class ReviewReport {
    /** The outcome: the document, whether the check passes, and the acknowledgments that matched nothing. */
    public record Outcome(Doc doc, boolean passes, List<Finding> unacknowledged, List<Entry> stale) {
    }

    private ReviewReport() {
    }

    public static Outcome render(List<StageResult> results, Acknowledgments acks, String title) {
        List<Finding> unacknowledged = new ArrayList<>();
        Set<Entry> used = new LinkedHashSet<>();
        for (StageResult s : results) {
            for (Finding f : s.findings()) {
                Entry e = acks.find(f);
                if (e == null) {
                    unacknowledged.add(f);
                } else {
                    used.add(e);
                }
            }
        }
        List<Entry> stale = acks.entries().stream().filter(e -> !used.contains(e)).toList();
        int acknowledged = results.stream().mapToInt(s -> s.findings().size()).sum() - unacknowledged.size();

        Doc doc = new Doc();
        doc.heading(2, title);
        boolean any = results.stream().anyMatch(s -> s.stacks().stream().anyMatch(StackResult::hasChanges));
        if (!unacknowledged.isEmpty()) {
            doc.paragraph("**Check: fails.** " + count(Review.grouped(results).entrySet().stream()
                    .filter(e -> e.getValue().stream().anyMatch(unacknowledged::contains)).count(), "finding")
                    + " not acknowledged: see [Findings](#findings).");
        } else if (acknowledged > 0) {
            doc.paragraph("**Check: passes**, with " + count(acknowledged, "acknowledged finding") + ".");
        } else {
            doc.paragraph("**Check: passes.** Nothing destructive to stateful resources, no access or permission"
                    + " broadening.");
        }
        if (!any) {
            doc.paragraph("No infrastructure changes and no new code in any stage.");
            stale(doc, stale);
            return new Outcome(doc, unacknowledged.isEmpty(), unacknowledged, stale);
        }
        verdict(doc, results);
        code(doc, results);
        risk(doc, results);
        access(doc, results);
        iam(doc, results);
        capacity(doc, results);
        cost(doc, results);
        changes(doc, results);
        diagram(doc, results);
        findings(doc, results, unacknowledged, acks);
        stale(doc, stale);
        return new Outcome(doc, unacknowledged.isEmpty(), unacknowledged, stale);
    }

    private static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    private static void verdict(Doc doc, List<StageResult> results) {
        Map<String, List<String>> rows = new LinkedHashMap<>();
        for (StageResult s : results) {
            List<String> cells = new ArrayList<>();
            int adds = 0;
            int updates = 0;
            int replacements = 0;
            int destroys = 0;
            int broadening = 0;
            int accessChanges = 0;
            int broadenedRoutes = 0;
            int versions = 0;
            boolean codeUnknown = false;
            double before = 0;
            double after = 0;
            boolean priced = true;
            int lowered = 0;
            boolean changed = false;
            for (StackResult r : s.stacks()) {
                changed |= r.hasChanges();
                for (Change c : r.changes()) {
                    if (c.routine()) {
                        continue;
                    }
                    switch (c.kind()) {
                        case ADDED -> adds++;
                        case UPDATED -> updates++;
                        case REPLACED -> replacements++;
                        case REMOVED -> destroys++;
                        default -> {
                        }
                    }
                }
                broadening += (int) r.iam().stream().filter(Iam.Change::broadening).count();
                accessChanges += r.access().size();
                broadenedRoutes += (int) r.access().stream().filter(AccessChanges.RouteChange::broadened).count();
                versions += r.code().functions().size();
                codeUnknown |= r.code().unknown() != null;
                if (r.costBefore() != null && r.costAfter() != null) {
                    before += r.costBefore();
                    after += r.costAfter();
                } else {
                    priced = false;
                }
                lowered += r.capacityLowered().size();
            }
            if (!changed) {
                cells.addAll(List.of("no changes", "", "", "", "", "", "", ""));
            } else {
                long stateful = s.findings().stream().filter(f -> f.kind().equals("destroy")).count();
                long riskyUpdates = s.findings().stream()
                        .filter(f -> f.kind().equals("protection") || f.kind().equals("deploy")).count();
                cells.add(String.valueOf(adds));
                cells.add(updates + (riskyUpdates > 0 ? " ⚠" : ""));
                cells.add(replacements + (stateful > 0 ? " ⚠" : ""));
                cells.add(destroys + (stateful > 0 && destroys > 0 ? " ⚠" : ""));
                cells.add(broadening == 0 ? "none" : "**" + broadening + " broadened**");
                cells.add(accessChanges == 0 ? "none" : accessChanges + (broadenedRoutes > 0
                        ? " (**" + broadenedRoutes + " broadened**)" : ""));
                cells.add(priced ? Money.delta(after - before) : "not priced");
                cells.add(lowered == 0 ? "—" : "**" + lowered + " lowered**");
            }
            cells.add(versions > 0 ? String.valueOf(versions) : codeUnknown ? "unknown" : "—");
            rows.computeIfAbsent(String.join("\u0000", cells), k -> new ArrayList<>()).add(s.stage());
        }
        List<List<String>> table = new ArrayList<>();
        rows.forEach((cells, stages) -> {
            List<String> row = new ArrayList<>();
            row.add(stageLabel(stages));
            row.addAll(List.of(cells.split("\u0000", -1)));
            table.add(row);
        });
        doc.table(List.of("Stage", "Adds", "Updates", "Replacements", "Destroys", "Security", "Access",
                "Cost/month", "Capacity", "New code"), table);
    }

    private static String stageLabel(List<String> stages) {
        return stages.size() > 1 ? String.join(", ", stages) + " (same in each)" : stages.get(0);
    }

    /** Per stage lines of one topic, stages with the same lines collapsed. */
    private static Map<List<String>, List<String>> collapse(List<StageResult> results,
            Function<StageResult, List<String>> lines) {
        Map<List<String>, List<String>> groups = new LinkedHashMap<>();
        for (StageResult s : results) {
            List<String> l = lines.apply(s);
            if (!l.isEmpty()) {
                groups.computeIfAbsent(l, k -> new ArrayList<>()).add(s.stage());
            }
        }
        return groups;
    }

    private static void section(Doc doc, String heading, Map<List<String>, List<String>> groups) {
        if (groups.isEmpty()) {
            return;
        }
        doc.heading(3, heading);
        for (Map.Entry<List<String>, List<String>> g : groups.entrySet()) {
            doc.paragraph("**" + stageLabel(g.getValue()) + "**");
            doc.bullets(g.getKey());
        }
    }

    private static List<String> perStack(StageResult s, Function<StackResult, List<String>> lines) {
        List<String> all = new ArrayList<>();
        for (StackResult r : s.stacks()) {
            List<String> l = lines.apply(r);
            if (s.stacks().size() > 1 && !l.isEmpty()) {
                l = l.stream().map(x -> r.key() + ": " + x).toList();
            }
            all.addAll(l);
        }
        return all;
    }

    private static void code(Doc doc, List<StageResult> results) {
        Map<List<String>, List<String>> groups = collapse(results, s -> perStack(s, r -> {
            CodeVersions.Result c = r.code();
            if (c.functions().isEmpty()) {
                return c.unknown() != null ? List.of("Code changes unknown: " + c.unknown() + ".") : List.of();
            }
            String line = "New code, so new versions of " + String.join(", ", c.functions().stream().sorted()
                    .toList()) + (c.exact() ? " (their code asset changed)" : "");
            List<String> lines = new ArrayList<>();
            lines.add(line);
            if (!c.exact()) {
                c.evidence().forEach(e -> lines.add("because " + e));
            }
            return List.of(String.join("\n", lines));
        }));
        section(doc, "Code", groups);
    }

    private static void risk(Doc doc, List<StageResult> results) {
        Map<List<String>, List<String>> groups = collapse(results, s -> perStack(s, r -> {
            List<String> lines = new ArrayList<>();
            for (Change c : r.changes()) {
                if (c.risk() != null) {
                    lines.add("**" + c.path() + "** (" + c.typeLabel() + ") " + c.verb()
                            + (c.kind() == Kind.REPLACED ? " (" + c.cause() + ")" : "") + ": " + c.risk().words());
                } else if (c.kind() == Kind.REPLACED && !c.routine()) {
                    lines.add(c.path() + " (" + c.typeLabel() + ") replaced (" + c.cause() + "); it holds no data");
                } else if (c.replacementUnknown()) {
                    lines.add(c.path() + " (" + c.typeLabel() + ") updated; whether this replaces it is unknown"
                            + " (the type is not in the replacement table)");
                }
            }
            return lines;
        }));
        section(doc, "Risk", groups);
    }

    private static void access(Doc doc, List<StageResult> results) {
        Map<List<String>, List<String>> groups = collapse(results, s -> perStack(s, r -> {
            List<String> rows = new ArrayList<>();
            for (AccessChanges.RouteChange a : r.access()) {
                String[] cells = cells(a);
                rows.add(a.route() + (a.broadened() ? " ⚠" : "") + "\u0000" + cells[0] + "\u0000" + cells[1]);
            }
            return rows;
        }));
        if (groups.isEmpty()) {
            return;
        }
        doc.heading(3, "Access");
        for (Map.Entry<List<String>, List<String>> g : groups.entrySet()) {
            doc.paragraph("**" + stageLabel(g.getValue()) + "**");
            List<List<String>> rows = new ArrayList<>();
            g.getKey().forEach(row -> rows.add(List.of(row.split("\u0000", -1))));
            doc.table(List.of("Route", "Before", "After"), rows);
        }
    }

    /** Before and after of what changed on a route: access, throttling, CORS (all of it for a new route). */
    static String[] cells(AccessChanges.RouteChange a) {
        if (a.before() == null || a.after() == null) {
            return new String[] {a.before() == null ? "(no route)" : AccessChanges.describe(a.before()),
                    a.after() == null ? "(removed)" : AccessChanges.describe(a.after())};
        }
        List<String> before = new ArrayList<>();
        List<String> after = new ArrayList<>();
        AppModel.Route b = a.before();
        AppModel.Route n = a.after();
        String ab = b.access().describe();
        String an = n.access().describe();
        if (!ab.equals(an) || !b.access().inconsistencies().equals(n.access().inconsistencies())) {
            before.add(ab + warn(b));
            after.add((n.access().rank() < b.access().rank() ? "**" + an + "**" : an) + warn(n));
        }
        if (!b.throttle().equals(n.throttle())) {
            before.add("throttle " + b.throttle().describe());
            after.add("throttle " + n.throttle().describe());
        }
        if (!b.corsOrigins().equals(n.corsOrigins())) {
            before.add("CORS " + String.join(", ", b.corsOrigins()));
            after.add("CORS " + String.join(", ", n.corsOrigins()));
        }
        return new String[] {String.join("; ", before), String.join("; ", after)};
    }

    private static String warn(AppModel.Route r) {
        return r.access().inconsistencies().isEmpty() ? "" : " (⚠ " + String.join("; ",
                r.access().inconsistencies()) + ")";
    }

    private static void iam(Doc doc, List<StageResult> results) {
        Map<List<String>, List<String>> groups = collapse(results, s -> perStack(s, r -> r.iam().stream()
                .map(c -> c.describe() + (c.broadening() ? " ⚠" : "")).toList()));
        section(doc, "IAM", groups);
    }

    private static void capacity(Doc doc, List<StageResult> results) {
        section(doc, "Capacity (limits lowered)", collapse(results, s -> perStack(s, StackResult::capacityLowered)));
    }

    private static void cost(Doc doc, List<StageResult> results) {
        List<List<String>> rows = new ArrayList<>();
        for (StageResult s : results) {
            for (StackResult r : s.stacks()) {
                if (!r.hasChanges()) {
                    continue;
                }
                if (r.costBefore() == null || r.costAfter() == null) {
                    if (r.costNote() != null) {
                        rows.add(List.of(s.stage(), "", "", r.costNote()));
                    }
                    continue;
                }
                if (Math.abs(r.costAfter() - r.costBefore()) >= 0.005) {
                    rows.add(List.of(s.stage() + (s.stacks().size() > 1 ? " " + r.key() : ""),
                            Money.format(r.costBefore()), Money.format(r.costAfter()),
                            Money.delta(r.costAfter() - r.costBefore())));
                }
            }
        }
        if (!rows.isEmpty()) {
            doc.heading(3, "Cost");
            doc.paragraph("Monthly, with the traffic profile (scripts/cost for the line items).");
            doc.table(List.of("Stage", "Before", "After", "Delta"), rows);
        }
    }

    private static void changes(Doc doc, List<StageResult> results) {
        Map<List<String>, List<String>> groups = collapse(results, s -> perStack(s, r -> {
            List<String> lines = new ArrayList<>();
            if (!r.status().equals("changed")) {
                lines.add("stack " + r.key() + " is " + r.status());
            }
            List<String> routine = new ArrayList<>();
            for (Change c : r.changes()) {
                if (c.routine()) {
                    routine.add(c.type().equals("AWS::ApiGateway::Deployment") ? "a new deployment of the API"
                            : c.typeLabel() + " " + c.name() + " "
                                    + c.kind().name().toLowerCase(java.util.Locale.ROOT));
                    continue;
                }
                String sign = switch (c.kind()) {
                    case ADDED -> "+";
                    case REMOVED -> "-";
                    case REPLACED -> "± replaced (" + c.cause() + ")";
                    default -> "~";
                };
                StringBuilder line = new StringBuilder(sign.length() == 1 ? sign + " " : sign + ": ")
                        .append(c.path()).append(" (").append(c.typeLabel()).append(")");
                for (String l : c.lines()) {
                    line.append("\n    ").append(l);
                }
                lines.add(line.toString());
            }
            if (!routine.isEmpty()) {
                lines.add("routine: " + String.join(", ", routine));
            }
            return lines;
        }));
        if (groups.isEmpty()) {
            return;
        }
        doc.heading(3, "Changes");
        for (Map.Entry<List<String>, List<String>> g : groups.entrySet()) {
            doc.paragraph("**" + stageLabel(g.getValue()) + "**");
            doc.add(new Doc.Code("", String.join("\n", g.getKey())));
        }
    }

    private static void diagram(Doc doc, List<StageResult> results) {
        Map<List<String>, List<String>> groups = collapse(results, s -> perStack(s, r -> r.diagram() == null
                ? List.of() : List.of(r.diagram())));
        if (groups.isEmpty()) {
            return;
        }
        doc.heading(3, "What changed, drawn");
        for (Map.Entry<List<String>, List<String>> g : groups.entrySet()) {
            List<Doc.Block> blocks = new ArrayList<>();
            g.getKey().forEach(d -> blocks.add(new Doc.Code("mermaid", d)));
            doc.add(new Doc.Details(stageLabel(g.getValue()) + ": added green, changed amber, removed red",
                    groups.size() == 1, blocks));
        }
    }

    private static void findings(Doc doc, List<StageResult> results, List<Finding> unacknowledged,
            Acknowledgments acks) {
        Map<String, List<Finding>> grouped = Review.grouped(results);
        if (grouped.isEmpty()) {
            return;
        }
        doc.heading(3, "Findings");
        List<List<String>> rows = new ArrayList<>();
        List<String> toAdd = new ArrayList<>();
        List<List<Finding>> groups = new ArrayList<>(grouped.values());
        groups.sort(java.util.Comparator.comparingInt(g -> Acknowledgments.KINDS.indexOf(g.get(0).kind())));
        for (List<Finding> group : groups) {
            Finding first = group.get(0);
            List<String> stages = group.stream().map(Finding::stage).distinct().toList();
            List<String> open = group.stream().filter(unacknowledged::contains).map(Finding::stage).distinct()
                    .toList();
            String status;
            if (open.isEmpty()) {
                Entry e = acks.find(first);
                status = "acknowledged: " + (e == null ? "" : e.reason());
            } else {
                status = "**not acknowledged**" + (open.size() < stages.size() ? " in " + String.join(", ", open)
                        : "");
                toAdd.add(Finding.line(first.kind(), open, first.subject()));
            }
            rows.add(List.of(first.kind(), String.join(", ", stages), first.description(), status));
        }
        doc.table(List.of("Kind", "Stages", "Finding", "Status"), rows);
        if (!toAdd.isEmpty()) {
            doc.paragraph("If these are intended, acknowledge each in `" + Acknowledgments.FILE
                    + "` (in this change) with the reason:");
            doc.add(new Doc.Code("", String.join("\n", toAdd)));
        }
    }

    private static void stale(Doc doc, List<Entry> stale) {
        if (!stale.isEmpty()) {
            doc.paragraph("Acknowledgments that match no finding (remove them): " + String.join(", ", stale.stream()
                    .map(e -> Acknowledgments.FILE + " line " + e.line()).toList()) + ".");
        }
    }
}
