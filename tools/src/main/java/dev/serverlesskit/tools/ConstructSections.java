package dev.serverlesskit.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.serverlesskit.tools.cfn.AppModel;
import dev.serverlesskit.tools.cfn.Json;
import dev.serverlesskit.tools.cfn.Template;
import dev.serverlesskit.tools.cost.CostModel;
import dev.serverlesskit.tools.cost.CostModel.Estimate;
import dev.serverlesskit.tools.cost.CostModel.Line;
import dev.serverlesskit.tools.cost.Money;
import dev.serverlesskit.tools.cost.Prices;
import dev.serverlesskit.tools.cost.Profile;
import dev.serverlesskit.tools.doc.Doc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The constructs README's generated sections, between {@code <!-- generated: footprint NAME -->} (or
 * {@code example NAME}) and {@code <!-- end generated -->}: what a construct creates with its defaults, counted by
 * resource type, and what that costs a month at zero traffic, priced with the review's cost model; and the
 * construct's example, copied from its compiled source ({@code constructs/src/test/java/.../examples/NAMEExample.java}).
 * The footprint comes from {@code constructs/footprints/NAME.template.json}, which the constructs' {@code FootprintTest}
 * synthesizes from that example, so neither is hand-written.
 *
 * <p>A footprint template may list {@code excludedPaths} in its {@code serverlesskit:footprint} metadata: the
 * resources of what the example needs besides the construct (the function an API routes to). They are neither
 * counted nor priced: the cost is that of the whole template minus that of those resources alone.
 */
public final class ConstructSections extends MarkedSections {
    private static final Pattern SECTION = Pattern.compile(
            "(<!-- generated: (footprint|example|summary) ([A-Za-z0-9]+) -->\\n)(.*?)(<!-- end generated -->)",
            Pattern.DOTALL);
    static final String REGION = "eu-west-1";
    static final String EXAMPLES = "src/test/java/dev/serverlesskit/constructs/examples/";
    private static final String START = "// example:start";
    private static final String END = "// example:end";

    private final Path footprints;
    private final Profile profile;
    private final Prices prices;

    /**
     * @param footprints the directory of footprint templates ({@code constructs/footprints}); example paths in them
     *                   are relative to its parent (the constructs module), as links in its README are
     */
    public ConstructSections(Path footprints, Profile profile, Prices prices) {
        super(SECTION);
        this.footprints = footprints;
        this.profile = profile.zero();
        this.prices = prices;
    }

    @Override
    public String generate(String kind, String construct) {
        if (kind.equals("example")) {
            return example(construct);
        }
        if (kind.equals("summary")) {
            return summary();
        }
        return footprint(footprintOf(construct));
    }

    /** {@code src/test/java/.../examples/<name>Example.java} of the constructs module, between the markers. */
    private String example(String construct) {
        String relative = EXAMPLES + construct + "Example.java";
        Path source = footprints.toAbsolutePath().getParent().resolve(relative);
        List<String> lines;
        try {
            lines = Files.readAllLines(source);
        } catch (IOException e) {
            throw new UncheckedIOException("example of " + construct + ": " + source, e);
        }
        int start = -1;
        int end = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).trim().equals(START)) {
                start = i;
            } else if (lines.get(i).trim().equals(END)) {
                end = i;
            }
        }
        if (start < 0 || end <= start) {
            throw new IllegalArgumentException(source + " has no " + START + " ... " + END + " block");
        }
        List<String> body = lines.subList(start + 1, end);
        int indent = body.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length())
                .min().orElse(0);
        StringBuilder code = new StringBuilder();
        body.forEach(l -> code.append(l.isBlank() ? "" : l.substring(indent)).append('\n'));
        Doc doc = new Doc();
        doc.add(new Doc.Code("java", code.toString()));
        doc.paragraph("From [`" + source.getFileName() + "`](" + relative + "), compiled and synthesized by the"
                + " tests (`FootprintTest`).");
        return doc.markdown();
    }

    /** What a construct creates with its example's props, and its fixed monthly charges. */
    record Footprint(Map<String, Integer> counts, Map<String, double[]> fixed, Map<String, String> unit,
            List<String> byUse, List<String> notPriced, String excludedAre) {
        int total() {
            return counts.values().stream().mapToInt(Integer::intValue).sum();
        }

        double monthly() {
            return fixed.values().stream().mapToDouble(v -> v[1]).sum();
        }
    }

    Footprint footprintOf(String construct) {
        Path file = footprints.resolve(construct + ".template.json");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("section 'footprint " + construct + "': no footprint " + file
                    + " (FootprintTest writes it with -Dsnapshot.update=true)");
        }
        JsonNode root = Json.read(file);
        JsonNode meta = root.path("Metadata").path("serverlesskit:footprint");
        Set<String> excluded = new HashSet<>();
        meta.path("excludedPaths").forEach(p -> excluded.add(p.asText()));
        ObjectNode others = root.deepCopy();
        ObjectNode otherResources = (ObjectNode) others.path("Resources");
        Map<String, Integer> counts = new TreeMap<>();
        root.path("Resources").fields().forEachRemaining(e -> {
            String path = e.getValue().path("Metadata").path("aws:cdk:path").asText();
            if (!excluded.contains(path)) {
                otherResources.remove(e.getKey());
                String type = e.getValue().path("Type").asText();
                if (!type.equals("AWS::CDK::Metadata")) {
                    counts.merge(type, 1, Integer::sum);
                }
            }
        });
        CostModel model = new CostModel(prices);
        Estimate all = model.estimate(new AppModel(new Template(root, "Example", null)), profile, REGION);
        Estimate base = excluded.isEmpty() ? null
                : model.estimate(new AppModel(new Template(others, "Example", null)), profile, REGION);

        // By charge (service and driver): the whole template's minus that of the excluded resources alone.
        Map<String, double[]> fixed = new LinkedHashMap<>();
        Map<String, String> unit = new LinkedHashMap<>();
        Map<String, double[]> baseSums = sums(base);
        List<String> byUse = new ArrayList<>();
        sums(all).forEach((k, v) -> {
            double[] b = baseSums.getOrDefault(k, new double[4]);
            if (v[3] > 0) {
                if (v[2] - b[2] > 0) {
                    fixed.put(k, new double[] {v[1] - b[1], v[2] - b[2]});
                }
            } else if (v[0] > b[0] && !byUse.contains(stripDetail(k))) {
                byUse.add(stripDetail(k));
            }
        });
        all.lines().forEach(l -> unit.putIfAbsent(key(l), l.price().describe()
                + (l.note() == null ? "" : " (" + l.note() + ")")));
        List<String> notPriced = new ArrayList<>();
        all.notPriced().forEach(n -> {
            if (base == null || base.notPriced().stream().noneMatch(b -> b.resource().equals(n.resource()))) {
                notPriced.add(n.resource() + " (" + n.type() + "): " + n.reason());
            }
        });
        return new Footprint(counts, fixed, unit, byUse, notPriced,
                excluded.isEmpty() ? null : meta.path("excludedAre").asText("what the example needs besides it"));
    }

    private static String footprint(Footprint f) {
        Doc doc = new Doc();
        List<List<String>> rows = new ArrayList<>();
        f.counts().forEach((type, n) -> rows.add(List.of("`" + type.replace("AWS::", "") + "`", String.valueOf(n))));
        int total = f.total();
        rows.add(List.of("**Total**", "**" + total + "**"));
        doc.paragraph("**Creates** " + total + " resources with the example below (every other prop at its default"
                + (f.excludedAre() == null ? "" : "; not counted: " + f.excludedAre())
                + "):");
        doc.table(List.of("Resource type", "Count"), rows);

        double monthly = f.monthly();
        doc.paragraph("**Costs " + Money.format(monthly) + " a month at zero traffic** (" + REGION
                + ", list prices before free tiers, the review's cost model)" + (f.fixed().isEmpty() ? "." : ":"));
        if (!f.fixed().isEmpty()) {
            List<List<String>> costRows = new ArrayList<>();
            f.fixed().forEach((k, v) -> costRows.add(List.of(k, Money.quantity(Math.round(v[0] * 1000) / 1000d),
                    f.unit().get(k), Money.monthly(v[1]))));
            doc.table(List.of("Fixed charge", "Quantity", "Unit price", "Monthly"), costRows);
        }
        if (!f.byUse().isEmpty()) {
            doc.paragraph("Billed only with use: " + String.join(", ", f.byUse()) + ".");
        }
        if (!f.notPriced().isEmpty()) {
            doc.paragraph("Not priced (not in the figure above):");
            doc.bullets(f.notPriced());
        }
        return doc.markdown();
    }

    /** One row per construct with a footprint: resources created and the fixed monthly cost. */
    private String summary() {
        List<List<String>> rows = new ArrayList<>();
        for (String c : constructs()) {
            Footprint f = footprintOf(c);
            List<String> fixed = new ArrayList<>();
            f.fixed().forEach((k, v) -> fixed.add(k + " ×" + Money.quantity(Math.round(v[0] * 1000) / 1000d) + " "
                    + Money.monthly(v[1])));
            rows.add(List.of("[" + c + "](#" + c.toLowerCase(java.util.Locale.ROOT) + ")", String.valueOf(f.total()),
                    "**" + Money.format(f.monthly()) + "**", fixed.isEmpty() ? "none" : String.join(", ", fixed)));
        }
        Doc doc = new Doc();
        doc.table(List.of("Construct (its example)", "Resources", "Monthly at zero traffic", "Fixed charges"), rows);
        return doc.markdown();
    }

    /** Per charge: the number of lines, their quantity and monthly cost, and 1 when it is a fixed charge. */
    private static Map<String, double[]> sums(Estimate e) {
        Map<String, double[]> sums = new LinkedHashMap<>();
        if (e != null) {
            for (Line l : e.lines()) {
                double[] v = sums.computeIfAbsent(key(l), k -> new double[4]);
                v[0]++;
                v[1] += l.quantity();
                v[2] += l.monthly();
                v[3] = l.fixed() ? 1 : 0;
            }
        }
        return sums;
    }

    private static String key(Line l) {
        return l.service() + " " + l.driver();
    }

    /** "compute (1024 MB, arm64)" reads as "compute"; an alarm count as "alarm metrics". */
    private static String stripDetail(String driver) {
        int paren = driver.indexOf(" (");
        return paren < 0 ? driver : driver.substring(0, paren);
    }

    /** Every construct with a footprint template. */
    public List<String> constructs() {
        try (var files = Files.list(footprints)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".template.json"))
                    .map(n -> n.substring(0, n.length() - ".template.json".length())).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
