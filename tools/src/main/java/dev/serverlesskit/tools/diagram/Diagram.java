package dev.serverlesskit.tools.diagram;

import dev.serverlesskit.tools.cfn.AppModel;
import dev.serverlesskit.tools.cfn.AppModel.Route;
import dev.serverlesskit.tools.cfn.Template;
import dev.serverlesskit.tools.review.Iam;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A stage's architecture from its template, as a Mermaid flowchart GitHub renders: clients, the API with each route
 * and who may call it, the functions (memory, architecture, reserved concurrency), the tables and queues they use
 * (from their IAM grants), event sources, dead-letter queues, and the alarms grouped by the topic they notify. A
 * review draws only what changed and its neighbours, added parts green, changed ones amber, removed ones red.
 */
public final class Diagram {
    /** A node: {@code shape} is one of clients, route, function, table, queue, topic, pool, alarms. */
    public record Node(String id, String label, String shape, String group) {
    }

    public record Edge(String from, String to, String label, boolean dotted) {
    }

    /** Nodes, edges and the subgraphs (API) they sit in. */
    public record Graph(Map<String, Node> nodes, Set<Edge> edges, Map<String, String> groups) {
    }

    private Diagram() {
    }

    public static Graph graph(AppModel m) {
        Template t = m.template();
        Map<String, Node> nodes = new LinkedHashMap<>();
        Set<Edge> edges = new LinkedHashSet<>();
        Map<String, String> groups = new LinkedHashMap<>();

        if (!m.routes().isEmpty()) {
            nodes.put("clients", new Node("clients", "Clients", "clients", null));
        }
        for (AppModel.Api api : m.apis().values()) {
            String group = id("api", api.name());
            String throttle = api.defaultThrottle().rate() == null ? ""
                    : ", " + trim(api.defaultThrottle().rate()) + " rps per route";
            groups.put(group, "API " + api.name() + " (stage " + api.stageName() + throttle + ")");
            edges.add(new Edge("clients", group, null, false));
        }
        Set<String> authorizers = new LinkedHashSet<>();
        for (Route r : m.routes()) {
            String label = r.method() + " " + r.path() + "<br/>" + access(r);
            if (r.throttle().source().equals("route") && r.throttle().rate() != null) {
                label += ", " + trim(r.throttle().rate()) + " rps";
            }
            String routeId = id("route", r.key());
            nodes.put(routeId, new Node(routeId, label, "route", r.apiId() == null ? null
                    : id("api", t.name(r.apiId()))));
            if (r.functionId() != null) {
                edges.add(new Edge(routeId, id("fn", t.name(r.functionId())), null, false));
            }
            if (r.access().authorizer() != null) {
                authorizers.add(r.access().authorizer().replaceFirst("^Cognito: ", ""));
            }
        }
        for (String id : t.ofType("AWS::Cognito::UserPool")) {
            String name = t.name(id);
            nodes.put(id("pool", name), new Node(id("pool", name), name + " (Cognito user pool)", "pool", null));
            if (authorizers.contains(name)) {
                m.apis().values().forEach(api -> edges.add(new Edge(id("pool", name), id("api", api.name()),
                        "authorizer", true)));
            }
        }
        for (AppModel.Function f : m.functions().values()) {
            String label = f.name() + "<br/>" + f.memoryMb() + " MB " + f.architecture()
                    + (f.reserved() == null ? "" : ", " + f.reserved() + " reserved");
            nodes.put(id("fn", f.name()), new Node(id("fn", f.name()), label, "function", null));
        }
        for (AppModel.Table table : m.tables().values()) {
            nodes.put(id("table", table.name()), new Node(id("table", table.name()), table.name() + "<br/>"
                    + String.join(", ", table.keys()), "table", null));
        }
        for (AppModel.Queue q : m.queues().values()) {
            nodes.put(id("queue", q.name()), new Node(id("queue", q.name()), q.name() + " (SQS)", "queue", null));
        }
        for (AppModel.Queue q : m.queues().values()) {
            if (q.deadLetterQueueId() != null) {
                edges.add(new Edge(id("queue", q.name()), id("queue", t.name(q.deadLetterQueueId())),
                        "after " + q.maxReceiveCount() + " receives", true));
            }
        }
        for (AppModel.EventSource e : m.eventSources()) {
            if (e.sourceId() != null && e.functionId() != null && m.queues().containsKey(e.sourceId())) {
                edges.add(new Edge(id("queue", t.name(e.sourceId())), id("fn", t.name(e.functionId())),
                        "batches of " + e.batchSize(), false));
            }
        }
        for (String id : t.ofType("AWS::SNS::Topic")) {
            nodes.put(id("topic", t.name(id)), new Node(id("topic", t.name(id)), t.name(id) + " (SNS)", "topic",
                    null));
        }
        dataEdges(m, nodes, edges);
        alarms(m, nodes, edges);
        return new Graph(nodes, edges, groups);
    }

    /** Function to table and queue edges from the functions' grants. */
    private static void dataEdges(AppModel m, Map<String, Node> nodes, Set<Edge> edges) {
        Template t = m.template();
        Map<String, Set<String>> access = new TreeMap<>();
        Set<String> functionNames = new LinkedHashSet<>();
        m.functions().values().forEach(f -> functionNames.add(f.name()));
        for (Iam.Grant g : Iam.grants(t)) {
            if (!g.kind().equals("identity") || !g.effect().equals("Allow")) {
                continue;
            }
            String resource = g.resource().contains("/index/") ? g.resource().substring(0,
                    g.resource().indexOf("/index/")) : g.resource();
            for (String principal : g.principal().split(", ")) {
                if (!functionNames.contains(principal)) {
                    continue;
                }
                String verb = verb(g.action());
                if (verb == null) {
                    continue;
                }
                String target = verb.equals("send") ? id("queue", resource) : verb.equals("publish")
                        ? id("topic", resource) : id("table", resource);
                if (nodes.containsKey(target)) {
                    access.computeIfAbsent(id("fn", principal) + "\u0000" + target, k -> new LinkedHashSet<>())
                            .add(verb);
                }
            }
        }
        access.forEach((key, verbs) -> {
            String[] ends = key.split("\u0000");
            String label = verbs.contains("read") && verbs.contains("write") ? "read/write"
                    : String.join("/", verbs);
            edges.add(new Edge(ends[0], ends[1], label, false));
        });
    }

    private static String verb(String action) {
        if (action.startsWith("dynamodb:")) {
            String a = action.substring("dynamodb:".length());
            if (a.startsWith("Get") || a.startsWith("Query") || a.startsWith("Scan") || a.startsWith("BatchGet")
                    || a.startsWith("ConditionCheck")) {
                return "read";
            }
            if (a.startsWith("Put") || a.startsWith("Update") || a.startsWith("Delete") || a.startsWith("BatchWrite")) {
                return "write";
            }
            return null;
        }
        if (action.equals("sqs:SendMessage")) {
            return "send";
        }
        if (action.equals("sns:Publish")) {
            return "publish";
        }
        return null;
    }

    /** One node per topic the alarms notify: how many alarms, on which metrics. */
    private static void alarms(AppModel m, Map<String, Node> nodes, Set<Edge> edges) {
        Template t = m.template();
        Map<String, Map<String, Integer>> byTopic = new LinkedHashMap<>();
        for (AppModel.Alarm alarm : m.alarms().values()) {
            Set<String> topics = new LinkedHashSet<>(t.references(t.properties(alarm.id()).path("AlarmActions")));
            String topic = topics.isEmpty() ? "" : t.name(topics.iterator().next());
            byTopic.computeIfAbsent(topic, k -> new TreeMap<>()).merge(alarm.metric().isEmpty() ? "math"
                    : alarm.metric(), 1, Integer::sum);
        }
        byTopic.forEach((topic, metrics) -> {
            int count = metrics.values().stream().mapToInt(Integer::intValue).sum();
            List<String> parts = new ArrayList<>();
            metrics.forEach((metric, n) -> parts.add(metric + (n > 1 ? " ×" + n : "")));
            String id = id("alarms", topic.isEmpty() ? "none" : topic);
            nodes.put(id, new Node(id, count + " alarms<br/>" + wrap(parts, 3), "alarms", null));
            if (!topic.isEmpty()) {
                edges.add(new Edge(id, id("topic", topic), "notify", false));
            }
        });
    }

    private static String wrap(List<String> parts, int perLine) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < parts.size(); i++) {
            sb.append(i == 0 ? "" : i % perLine == 0 ? ",<br/>" : ", ").append(parts.get(i));
        }
        return sb.toString();
    }

    private static String access(Route r) {
        return switch (r.access().kind()) {
            case "public" -> "public";
            case "groups" -> "group " + String.join(", ", r.access().groups());
            default -> "signed in";
        };
    }

    /** The whole stage. */
    public static String mermaid(Graph g) {
        return render(g, g.nodes().keySet(), Map.of(), Map.of());
    }

    /**
     * What changed between two graphs, with its neighbours. {@code changed} names nodes the review found changed
     * beyond their label (new code, new grants).
     */
    public static String changes(Graph before, Graph after, Set<String> changed) {
        Map<String, String> status = new LinkedHashMap<>();
        after.nodes().forEach((id, n) -> {
            Node old = before.nodes().get(id);
            if (old == null) {
                status.put(id, "added");
            } else if (!old.label().equals(n.label()) || changed.contains(id)) {
                status.put(id, "changed");
            }
        });
        before.nodes().forEach((id, n) -> {
            if (!after.nodes().containsKey(id)) {
                status.put(id, "removed");
            }
        });
        Map<Edge, String> edgeStatus = new LinkedHashMap<>();
        after.edges().forEach(e -> {
            if (!before.edges().contains(e)) {
                edgeStatus.put(e, "added");
            }
        });
        before.edges().forEach(e -> {
            if (!after.edges().contains(e)) {
                edgeStatus.put(e, "removed");
            }
        });
        if (status.isEmpty() && edgeStatus.isEmpty()) {
            return null;
        }
        Map<String, Node> nodes = new LinkedHashMap<>(before.nodes());
        nodes.putAll(after.nodes());
        Set<Edge> edges = new LinkedHashSet<>(after.edges());
        edges.addAll(before.edges());
        Map<String, String> groups = new LinkedHashMap<>(before.groups());
        groups.putAll(after.groups());
        Set<String> shown = new LinkedHashSet<>(status.keySet());
        edgeStatus.keySet().forEach(e -> {
            shown.add(e.from());
            shown.add(e.to());
        });
        Set<String> focus = new LinkedHashSet<>(shown);
        for (Edge e : edges) {
            if (focus.contains(e.from()) || focus.contains(e.to())) {
                shown.add(e.from());
                shown.add(e.to());
            }
        }
        return render(new Graph(nodes, edges, groups), shown, status, edgeStatus);
    }

    private static String render(Graph g, Set<String> shown, Map<String, String> status,
            Map<Edge, String> edgeStatus) {
        StringBuilder sb = new StringBuilder("flowchart LR\n");
        Map<String, List<Node>> inGroup = new LinkedHashMap<>();
        for (Node n : g.nodes().values()) {
            if (!shown.contains(n.id())) {
                continue;
            }
            if (n.group() != null && g.groups().containsKey(n.group())) {
                inGroup.computeIfAbsent(n.group(), k -> new ArrayList<>()).add(n);
            } else {
                sb.append("  ").append(shape(n)).append('\n');
            }
        }
        boolean groupShown = false;
        for (Map.Entry<String, String> group : g.groups().entrySet()) {
            List<Node> members = inGroup.get(group.getKey());
            if (members == null && !shown.contains(group.getKey())) {
                continue;
            }
            groupShown = true;
            sb.append("  subgraph ").append(group.getKey()).append(" [\"").append(group.getValue()).append("\"]\n");
            if (members != null) {
                members.forEach(n -> sb.append("    ").append(shape(n)).append('\n'));
            }
            sb.append("  end\n");
        }
        int index = 0;
        List<String> linkStyles = new ArrayList<>();
        for (Edge e : g.edges()) {
            boolean fromShown = shown.contains(e.from()) || g.groups().containsKey(e.from()) && groupShown;
            boolean toShown = shown.contains(e.to()) || g.groups().containsKey(e.to()) && groupShown;
            if (!fromShown || !toShown) {
                continue;
            }
            String arrow = e.dotted() ? "-.->" : "-->";
            sb.append("  ").append(e.from()).append(' ').append(arrow)
                    .append(e.label() == null ? "" : "|\"" + e.label() + "\"|").append(' ').append(e.to()).append('\n');
            String s = edgeStatus.get(e);
            if ("added".equals(s)) {
                linkStyles.add("  linkStyle " + index + " stroke:#1a7f37,stroke-width:2px");
            } else if ("removed".equals(s)) {
                linkStyles.add("  linkStyle " + index + " stroke:#cf222e,stroke-width:2px,stroke-dasharray:4 3");
            }
            index++;
        }
        linkStyles.forEach(l -> sb.append(l).append('\n'));
        if (!status.isEmpty()) {
            sb.append("  classDef added fill:#dafbe1,stroke:#1a7f37\n");
            sb.append("  classDef changed fill:#fff8c5,stroke:#9a6700\n");
            sb.append("  classDef removed fill:#ffebe9,stroke:#cf222e,stroke-dasharray:4 3\n");
            Map<String, List<String>> byStatus = new TreeMap<>();
            status.forEach((id, s) -> {
                if (shown.contains(id)) {
                    byStatus.computeIfAbsent(s, k -> new ArrayList<>()).add(id);
                }
            });
            byStatus.forEach((s, ids) -> sb.append("  class ").append(String.join(",", ids)).append(' ').append(s)
                    .append('\n'));
        }
        return sb.toString();
    }

    private static String shape(Node n) {
        String label = n.label().replace("\"", "'");
        return n.id() + switch (n.shape()) {
            case "clients" -> "([\"" + label + "\"])";
            case "function" -> "(\"" + label + "\")";
            case "table" -> "[(\"" + label + "\")]";
            case "queue" -> "[[\"" + label + "\"]]";
            case "topic" -> ">\"" + label + "\"]";
            case "pool" -> "{{\"" + label + "\"}}";
            default -> "[\"" + label + "\"]";
        };
    }

    /** A Mermaid-safe node id: kind and name. */
    public static String id(String kind, String name) {
        return kind + "_" + name.replaceAll("[^A-Za-z0-9]+", "_").replaceAll("_+$", "");
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
