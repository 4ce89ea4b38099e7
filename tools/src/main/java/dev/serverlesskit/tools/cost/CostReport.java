package dev.serverlesskit.tools.cost;

import dev.serverlesskit.tools.cfn.AppModel;
import dev.serverlesskit.tools.cost.CostModel.Estimate;
import dev.serverlesskit.tools.cost.CostModel.Line;
import dev.serverlesskit.tools.cost.Prices.Price;
import dev.serverlesskit.tools.doc.Doc;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A stage's cost as a document: the line items, the total, the fixed floor at zero traffic, the break-even against
 * the profile's always-on alternative, what is not priced, and the prices used with their sources.
 */
public final class CostReport {
    private CostReport() {
    }

    /** @param summaryOnly the line items in a collapsed section (for the README) */
    public static Doc render(String stage, AppModel model, Profile profile, Prices prices, String region,
            boolean withPrices) {
        CostModel cost = new CostModel(prices);
        Profile p = profile.forStage(stage);
        Estimate e = cost.estimate(model, p, region);
        Estimate floor = cost.estimate(model, p.zero(), region);
        Doc doc = new Doc();
        doc.heading(3, "Monthly cost of " + stage + " (" + region + "): " + Money.format(e.total()));
        doc.paragraph("Traffic: " + profile.description() + (p.scale() != 1 ? " This stage: ×" + Money.quantity(
                p.scale()) + " of it." : "") + " List prices before free tiers; a month is 730 hours.");
        List<List<String>> rows = new ArrayList<>();
        for (Line l : e.lines()) {
            rows.add(List.of(l.resource() + " (" + l.service() + ")", l.driver() + (l.note() == null ? ""
                    : " — " + l.note()), Money.quantity(Math.round(l.quantity() * 1000) / 1000d),
                    l.price().describe(), Money.monthly(l.monthly())));
        }
        rows.add(List.of("**Total**", "", "", "", "**" + Money.format(e.total()) + "**"));
        doc.table(List.of("Resource", "Driver", "Quantity", "Unit price", "Monthly"), rows);

        List<String> fixed = new ArrayList<>();
        for (Line l : floor.lines()) {
            if (l.monthly() > 0) {
                fixed.add(l.resource() + " " + l.driver() + " " + Money.monthly(l.monthly()));
            }
        }
        doc.paragraph("**Fixed floor at zero traffic: " + Money.format(floor.total()) + "**"
                + (fixed.isEmpty() ? "." : " (" + String.join(", ", fixed) + ")."));
        breakEven(doc, e, floor, cost, profile, p, region, model);
        if (!e.notPriced().isEmpty()) {
            List<String> items = new ArrayList<>();
            e.notPriced().forEach(n -> items.add(n.resource() + " (" + n.type() + "): not priced, " + n.reason()));
            doc.paragraph("**Not priced** (not counted in the total):");
            doc.bullets(items);
        }
        if (!e.noCharge().isEmpty()) {
            List<String> parts = new ArrayList<>();
            e.noCharge().forEach((type, n) -> parts.add(type + " ×" + n));
            doc.paragraph("No charge of their own: " + String.join(", ", parts) + ".");
        }
        if (withPrices) {
            doc.add(new Doc.Details("Prices used (" + region + ")", false, List.of(pricesTable(e.pricesUsed()))));
        }
        return doc;
    }

    static Doc.Table pricesTable(List<Price> prices) {
        List<List<String>> rows = new ArrayList<>();
        for (Price p : prices) {
            rows.add(List.of(p.key(), p.describe(), p.source(), p.checked(), p.evidence()));
        }
        return new Doc.Table(List.of("Price", "Unit price", "Source", "Checked", "Where the figure was read"), rows);
    }

    private static void breakEven(Doc doc, Estimate e, Estimate floor, CostModel cost, Profile profile, Profile p,
            String region, AppModel model) {
        Optional<Double> alt = cost.alwaysOn(profile, region);
        if (alt.isEmpty()) {
            return;
        }
        Set<String> replaced = new LinkedHashSet<>();
        profile.alwaysOn().path("replaces").forEach(s -> replaced.add(s.asText()));
        double variable = e.total(replaced) - floor.total(replaced);
        String name = profile.alwaysOn().path("description").asText("an always-on alternative");
        String what = String.join(" + ", replaced);
        if (variable <= 0) {
            doc.paragraph("**Break-even:** " + name + " costs " + Money.format(alt.get()) + "/month; with no " + what
                    + " traffic in this profile, there is no break-even.");
            return;
        }
        double k = alt.get() / variable;
        double requests = model.routes().stream().mapToDouble(r -> p.routeRequests(r.key())).sum() * k;
        doc.paragraph("**Break-even:** " + name + " costs " + Money.format(alt.get()) + "/month, as much as " + what
                + " (" + Money.format(variable) + " at this traffic) at **" + Money.quantity(Math.round(k * 10) / 10d)
                + "× this traffic**: " + Money.quantity(Math.round(requests)) + " API requests a month, "
                + Money.quantity(Math.round(requests / CostModel.SECONDS_PER_MONTH * 10) / 10d)
                + " per second on average. Below that, serverless costs less; the rest of the bill (data, logs,"
                + " alarms, users) is there either way.");
    }
}
