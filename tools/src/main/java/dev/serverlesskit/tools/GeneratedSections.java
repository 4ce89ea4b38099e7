package dev.serverlesskit.tools;

import dev.serverlesskit.tools.capacity.Capacity;
import dev.serverlesskit.tools.cfn.AppModel;
import dev.serverlesskit.tools.cfn.StackTemplate;
import dev.serverlesskit.tools.cfn.Stacks;
import dev.serverlesskit.tools.cost.CostReport;
import dev.serverlesskit.tools.cost.Prices;
import dev.serverlesskit.tools.cost.Profile;
import dev.serverlesskit.tools.diagram.Diagram;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The README's generated sections, between {@code <!-- generated: <command> -->} and {@code <!-- end generated -->}:
 * {@code scripts/diagram --stage S}, {@code scripts/cost --stage S} and {@code scripts/capacity --stage S}, from the
 * committed snapshots and the default
 * traffic profile. {@code GeneratedDocsTest} fails when one is stale; {@code scripts/update-docs} rewrites them.
 */
public final class GeneratedSections extends MarkedSections {
    private static final Pattern SECTION = Pattern.compile(
            "(<!-- generated: (scripts/(?:diagram|cost|capacity) --stage ([a-z0-9-]+)) -->\\n)(.*?)"
                    + "(<!-- end generated -->)",
            Pattern.DOTALL);

    private final Stacks stacks;
    private final Profile profile;
    private final Prices prices;

    public GeneratedSections(Stacks stacks, Profile profile, Prices prices) {
        super(SECTION);
        this.stacks = stacks;
        this.profile = profile;
        this.prices = prices;
    }

    /** The content a section's command generates. */
    @Override
    public String generate(String command, String stage) {
        StackTemplate s = stacks.ofStage(stage).stream().findFirst().orElseThrow(() -> new IllegalArgumentException(
                "section '"  + command + "': no stack of stage " + stage));
        AppModel model = new AppModel(s.template());
        if (command.startsWith("scripts/diagram")) {
            return "```mermaid\n" + Diagram.mermaid(Diagram.graph(model)) + "```\n";
        }
        if (command.startsWith("scripts/capacity")) {
            List<String> lines = new ArrayList<>();
            Capacity.of(model, profile.forStage(stage)).forEach(c -> lines.add(c.describe()));
            return new dev.serverlesskit.tools.doc.Doc().bullets(lines).markdown();
        }
        return CostReport.render(stage, model, profile, prices, s.regionOrInferred(), true).markdown();
    }

    @Override
    protected String label(Matcher m) {
        return m.group(2);
    }
}
