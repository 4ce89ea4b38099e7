package dev.serverlesskit.tools;

import dev.serverlesskit.tools.capacity.Capacity;
import dev.serverlesskit.tools.cfn.AppModel;
import dev.serverlesskit.tools.cfn.StackTemplate;
import dev.serverlesskit.tools.cfn.Stacks;
import dev.serverlesskit.tools.cost.CostReport;
import dev.serverlesskit.tools.cost.Prices;
import dev.serverlesskit.tools.cost.Profile;
import dev.serverlesskit.tools.diagram.Diagram;
import dev.serverlesskit.tools.doc.Doc;
import dev.serverlesskit.tools.review.Acknowledgments;
import dev.serverlesskit.tools.review.CodeVersions;
import dev.serverlesskit.tools.review.Review;
import dev.serverlesskit.tools.review.ReviewReport;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The review tools in one process (scripts/review, scripts/cost, scripts/diagram run it):
 * <pre>
 * review   --base DIR --head DIR [--changed-files FILE] [--profile FILE] [--acknowledgments FILE] [--stage S]
 *          [--title TEXT] [--format text|markdown]     exit 0: the check passes, 1: it fails, 2: bad input
 * cost     [--templates DIR] [--stage S] [--profile FILE] [--prices FILE] [--region R] [--format ...]
 * capacity [--templates DIR] [--stage S] [--profile FILE]
 * diagram  [--templates DIR] [--stage S]
 * docs     --check|--update --file FILE [--templates DIR] [--profile FILE]
 * docs     --check|--update --file constructs/README.md --footprints constructs/footprints [--profile FILE]
 * stacks   --templates DIR [--stage S]      one line per stack: key, stage, stack name, region, lookup role, file
 * </pre>
 * DIR is a cloud assembly (cdk.out) or a directory of templates named like test/snapshots.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                StandardCharsets.UTF_8);
        int code;
        try {
            code = run(args, out);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            System.err.println("error: " + e.getMessage());
            code = 2;
        }
        out.flush();
        System.exit(code);
    }

    static int run(String[] args, PrintStream out) {
        if (args.length == 0) {
            throw new IllegalArgumentException("usage: review|cost|capacity|diagram|docs|stacks [options]");
        }
        Map<String, String> o = options(args);
        String format = o.getOrDefault("format", "text");
        if (!format.equals("text") && !format.equals("markdown")) {
            throw new IllegalArgumentException("--format must be text or markdown, got " + format);
        }
        switch (args[0]) {
            case "review" -> {
                Stacks base = Stacks.load(path(o, "base", null));
                Stacks head = Stacks.load(path(o, "head", null));
                if (o.containsKey("stage")) {
                    base = base.onlyStage(o.get("stage"));
                    head = head.onlyStage(o.get("stage"));
                    if (head.byKey().isEmpty() && base.byKey().isEmpty()) {
                        throw new IllegalArgumentException("no stack of stage '" + o.get("stage") + "'");
                    }
                }
                List<CodeVersions.ChangedFile> changed = o.containsKey("changed-files")
                        ? CodeVersions.ChangedFile.parse(lines(Path.of(o.get("changed-files")))) : null;
                Profile profile = o.containsKey("profile") ? Profile.load(Path.of(o.get("profile"))) : null;
                Prices prices = prices(o);
                Acknowledgments acks = o.containsKey("acknowledgments")
                        ? Acknowledgments.load(Path.of(o.get("acknowledgments"))) : Acknowledgments.none();
                List<Review.StageResult> results = new Review(profile, prices, new CodeVersions(changed))
                        .review(base, head);
                ReviewReport.Outcome outcome = ReviewReport.render(results, acks,
                        o.getOrDefault("title", "Infrastructure review"));
                out.print(render(outcome.doc(), format));
                return outcome.passes() ? 0 : 1;
            }
            case "cost" -> {
                Stacks stacks = templates(o);
                Profile profile = Profile.load(path(o, "profile", "tools/traffic/default.json"));
                Prices prices = prices(o);
                Doc all = new Doc();
                for (StackTemplate s : selected(stacks, o)) {
                    String region = o.getOrDefault("region", s.regionOrInferred());
                    if (!prices.regions().contains(region)) {
                        throw new IllegalArgumentException("no prices for region " + region + " (the table has "
                                + String.join(", ", prices.regions()) + ")");
                    }
                    CostReport.render(s.stage(), new AppModel(s.template()), profile, prices, region, true)
                            .blocks().forEach(all::add);
                }
                out.print(render(all, format));
                return 0;
            }
            case "capacity" -> {
                Stacks stacks = templates(o);
                Profile profile = Profile.load(path(o, "profile", "tools/traffic/default.json"));
                Doc doc = new Doc();
                for (StackTemplate s : selected(stacks, o)) {
                    doc.heading(3, "Capacity of " + s.stage() + ": the limit that binds first, then the next");
                    List<String> lines = new ArrayList<>();
                    Capacity.of(new AppModel(s.template()), profile.forStage(s.stage()))
                            .forEach(c -> lines.add(c.describe()));
                    doc.bullets(lines);
                }
                out.print(render(doc, format));
                return 0;
            }
            case "diagram" -> {
                Stacks stacks = templates(o);
                for (StackTemplate s : selected(stacks, o)) {
                    out.println("```mermaid");
                    out.print(Diagram.mermaid(Diagram.graph(new AppModel(s.template()))));
                    out.println("```");
                }
                return 0;
            }
            case "docs" -> {
                Path readme = path(o, "file", "README.md");
                Profile profile = Profile.load(path(o, "profile", "tools/traffic/default.json"));
                MarkedSections sections = o.containsKey("footprints")
                        ? new ConstructSections(path(o, "footprints", null), profile, prices(o))
                        : new GeneratedSections(templates(o), profile, prices(o));
                if (o.containsKey("update")) {
                    write(readme, sections.update(read(readme)));
                    return 0;
                }
                List<String> stale = sections.stale(read(readme));
                stale.forEach(s -> out.println("section '" + s + "' is stale: run scripts/update-docs"));
                return stale.isEmpty() ? 0 : 1;
            }
            case "stacks" -> {
                for (StackTemplate s : selected(templates(o), o)) {
                    out.println(String.join("\t", s.key(), s.stage(), nullToDash(s.stackName()),
                            nullToDash(s.regionOrInferred()), nullToDash(s.lookupRole()), s.snapshotName()));
                }
                return 0;
            }
            default -> throw new IllegalArgumentException("unknown command " + args[0]
                    + " (review, cost, capacity, diagram, docs, stacks)");
        }
    }

    private static String nullToDash(String s) {
        return s == null ? "-" : s;
    }

    private static String render(Doc doc, String format) {
        return format.equals("markdown") ? doc.markdown() : doc.text();
    }

    private static Prices prices(Map<String, String> o) {
        return o.containsKey("prices") ? Prices.load(Path.of(o.get("prices"))) : Prices.load();
    }

    private static Stacks templates(Map<String, String> o) {
        return Stacks.load(path(o, "templates", "test/snapshots"));
    }

    private static List<StackTemplate> selected(Stacks stacks, Map<String, String> o) {
        String stage = o.get("stage");
        List<StackTemplate> list = stage == null ? new ArrayList<>(stacks.byKey().values()) : stacks.ofStage(stage);
        if (list.isEmpty()) {
            throw new IllegalArgumentException("no stack of stage '" + stage + "' in " + stacks.source()
                    + " (stages: " + String.join(", ", stacks.stages()) + ")");
        }
        return list;
    }

    private static Path path(Map<String, String> o, String name, String fallback) {
        String value = o.getOrDefault(name, fallback);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        Path p = Path.of(value);
        if (!Files.exists(p)) {
            throw new IllegalArgumentException("--" + name + ": " + p + " does not exist");
        }
        return p;
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + a);
            }
            String name = a.substring(2);
            if (name.equals("check") || name.equals("update")) {
                o.put(name, "true");
            } else if (i + 1 < args.length) {
                o.put(name, args[++i]);
            } else {
                throw new IllegalArgumentException(a + " needs a value");
            }
        }
        return o;
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
