package dev.serverlesskit.tools.review;

import com.fasterxml.jackson.databind.JsonNode;
import dev.serverlesskit.tools.capacity.Capacity;
import dev.serverlesskit.tools.cfn.AppModel;
import dev.serverlesskit.tools.cfn.Json;
import dev.serverlesskit.tools.cfn.StackTemplate;
import dev.serverlesskit.tools.cfn.Stacks;
import dev.serverlesskit.tools.cfn.Template;
import dev.serverlesskit.tools.cost.CostModel;
import dev.serverlesskit.tools.cost.Prices;
import dev.serverlesskit.tools.cost.Profile;
import dev.serverlesskit.tools.diagram.Diagram;
import dev.serverlesskit.tools.review.Acknowledgments.Finding;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a change does, stage by stage, from two sides (two cloud assemblies, or a revision's committed snapshots and a
 * synthesis): resource changes and their risk, access, IAM, code versions, cost, capacity, a diagram of what changed,
 * and the findings that fail the check unless acknowledged (destructive changes to stateful resources, access or
 * permission broadening).
 */
public final class Review {
    /** What one stack of a stage does. */
    public record StackResult(String key, String status, List<ResourceChanges.Change> changes,
            List<AccessChanges.RouteChange> access, List<Iam.Change> iam, CodeVersions.Result code,
            Double costBefore, Double costAfter, String costNote, List<String> capacityLowered, String diagram) {
        public boolean hasChanges() {
            return !changes.isEmpty() || !access.isEmpty() || !iam.isEmpty() || !code.functions().isEmpty()
                    || code.unknown() != null || !status.equals("changed");
        }
    }

    /** One stage: its stacks and findings. */
    public record StageResult(String stage, List<StackResult> stacks, List<Finding> findings) {
    }

    private final Profile profile;
    private final Prices prices;
    private final CodeVersions codeVersions;

    /**
     * @param profile      the traffic profile for cost and capacity, or null to skip them
     * @param prices       the price table, or null to skip cost
     * @param codeVersions how code changes are found
     */
    public Review(Profile profile, Prices prices, CodeVersions codeVersions) {
        this.profile = profile;
        this.prices = prices;
        this.codeVersions = codeVersions;
    }

    public List<StageResult> review(Stacks base, Stacks head) {
        List<String> stages = new ArrayList<>(head.stages());
        base.stages().forEach(s -> {
            if (!stages.contains(s)) {
                stages.add(s);
            }
        });
        stages.sort(Stacks.STAGE_ORDER);
        List<StageResult> results = new ArrayList<>();
        for (String stage : stages) {
            Set<String> keys = new LinkedHashSet<>();
            head.ofStage(stage).forEach(s -> keys.add(s.key()));
            base.ofStage(stage).forEach(s -> keys.add(s.key()));
            List<StackResult> stacks = new ArrayList<>();
            List<Finding> findings = new ArrayList<>();
            for (String key : keys) {
                StackTemplate b = base.byKey().get(key);
                StackTemplate h = head.byKey().get(key);
                StackResult r = stack(key, b, h);
                stacks.add(r);
                findings.addAll(findings(stage, r));
            }
            results.add(new StageResult(stage, stacks, findings));
        }
        return results;
    }

    private StackResult stack(String key, StackTemplate base, StackTemplate head) {
        String status = base == null ? "new" : head == null ? "removed" : "changed";
        StackTemplate any = head != null ? head : base;
        Template bt = base != null ? base.template() : empty(key, any.account());
        Template ht = head != null ? head.template() : empty(key, any.account());
        List<ResourceChanges.Change> changes = localize(ResourceChanges.diff(bt, ht), key);
        AppModel bm = new AppModel(bt);
        AppModel hm = new AppModel(ht);
        List<AccessChanges.RouteChange> access = AccessChanges.diff(bm, hm);
        List<Iam.Change> iam = Iam.diff(Iam.grants(bt), Iam.grants(ht));
        CodeVersions.Result code = base != null && head != null ? codeVersions.compare(base, head)
                : CodeVersions.Result.none();

        Double before = null;
        Double after = null;
        String costNote = null;
        List<String> lowered = List.of();
        if (profile != null) {
            Profile p = profile.forStage(any.stage());
            if (prices != null) {
                String region = any.regionOrInferred();
                if (region == null || !prices.regions().contains(region)) {
                    costNote = "no prices for region " + region;
                } else {
                    CostModel model = new CostModel(prices);
                    before = model.estimate(bm, p, region).total();
                    after = model.estimate(hm, p, region).total();
                }
            }
            lowered = Capacity.lowered(Capacity.of(bm, p), Capacity.of(hm, p));
        }
        Set<String> changedNodes = new LinkedHashSet<>();
        code.functions().forEach(f -> changedNodes.add(Diagram.id("fn", f)));
        iam.forEach(c -> {
            for (String principal : c.principal().split(", ")) {
                changedNodes.add(Diagram.id("fn", principal));
            }
        });
        for (ResourceChanges.Change c : changes) {
            String kind = switch (c.type()) {
                case "AWS::Lambda::Function" -> "fn";
                case "AWS::DynamoDB::Table" -> "table";
                case "AWS::SQS::Queue" -> "queue";
                case "AWS::SNS::Topic" -> "topic";
                default -> null;
            };
            if (kind != null) {
                changedNodes.add(Diagram.id(kind, c.name()));
            }
        }
        access.forEach(a -> changedNodes.add(Diagram.id("route", a.route())));
        String diagram = Diagram.changes(Diagram.graph(bm), Diagram.graph(hm), changedNodes);
        return new StackResult(key, status, changes, access, iam, code, before, after, costNote, lowered, diagram);
    }

    private static Template empty(String key, String account) {
        JsonNode root = Json.parse("{\"Resources\":{}}");
        return new Template(root, key, account);
    }

    /** Lines that name the stack's own construct path read the same in every stage. */
    private static List<ResourceChanges.Change> localize(List<ResourceChanges.Change> changes, String key) {
        List<ResourceChanges.Change> result = new ArrayList<>();
        for (ResourceChanges.Change c : changes) {
            List<String> lines = c.lines().stream().map(l -> l.replace(key + "/", "")).toList();
            result.add(new ResourceChanges.Change(c.kind(), c.logicalId(), c.type(), c.name(), c.path(), lines,
                    c.cause(), c.replacementUnknown(), c.routine(), c.risk()));
        }
        return result;
    }

    static List<Finding> findings(String stage, StackResult r) {
        List<Finding> findings = new ArrayList<>();
        if (r.status().equals("new")) {
            // Nothing deployed or committed to compare with: one finding for the whole stack (its routes and roles
            // are in the report), so that a first deployment is acknowledged once, and still on purpose.
            long publicRoutes = r.access().stream().filter(AccessChanges.RouteChange::broadened).count();
            long principals = r.iam().stream().filter(Iam.Change::broadening).map(Iam.Change::principal).distinct()
                    .count();
            findings.add(new Finding("new", stage, r.key(), "a new stack with nothing to compare with: "
                    + r.changes().size() + " resources, " + publicRoutes + " public routes, " + principals
                    + " principals with permissions"));
            return findings;
        }
        for (ResourceChanges.Change c : r.changes()) {
            if (c.risk() != null) {
                findings.add(new Finding(c.findingKind(), stage, c.path(), c.path() + " (" + c.typeLabel() + ") "
                        + c.verb() + ": " + c.risk().words()));
            }
        }
        for (AccessChanges.RouteChange a : r.access()) {
            if (a.broadened()) {
                findings.add(new Finding("access", stage, a.route(), a.route() + ": "
                        + String.join("; ", a.broadenings())));
            }
        }
        // One finding per principal whose permissions broaden, naming the actions it gains: a new role is one finding,
        // not one per action CDK granted it.
        Map<String, List<Iam.Change>> byPrincipal = new LinkedHashMap<>();
        for (Iam.Change c : r.iam()) {
            if (c.broadening()) {
                byPrincipal.computeIfAbsent(c.principal(), k -> new ArrayList<>()).add(c);
            }
        }
        byPrincipal.forEach((principal, changes) -> {
            Set<String> actions = new java.util.TreeSet<>();
            changes.forEach(c -> actions.add((c.effect().equals("Allow") ? "+" : "-Deny ") + c.action()));
            String description = changes.size() == 1 ? changes.get(0).describe() : principal + " gains "
                    + String.join(", ", actions).replace("+", "") + " (see IAM)";
            findings.add(new Finding("iam", stage, principal + " " + String.join(" ", actions), description));
        });
        return findings;
    }

    /** Findings grouped by what they say, with the stages they apply to, in order. */
    public static Map<String, List<Finding>> grouped(List<StageResult> results) {
        Map<String, List<Finding>> map = new LinkedHashMap<>();
        for (StageResult s : results) {
            for (Finding f : s.findings()) {
                map.computeIfAbsent(f.kind() + "\u0000" + f.subject() + "\u0000" + f.description(),
                        k -> new ArrayList<>()).add(f);
            }
        }
        return map;
    }
}
