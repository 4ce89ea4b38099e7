package dev.serverlesskit.test.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.serverlesskit.infra.ProjectFiles;
import dev.serverlesskit.local.Json;
import dev.serverlesskit.local.LocalRuntime;
import dev.serverlesskit.local.iam.AccessLog;
import dev.serverlesskit.local.iam.LeastPrivilege;
import dev.serverlesskit.local.iam.LeastPrivilege.Finding;
import dev.serverlesskit.local.iam.LeastPrivilege.Verdict;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Least privilege, shown by use rather than restated: every action a function's role grants is either needed by a
 * call the end-to-end runs made (the same call, evaluated without that grant, is refused, so removing the grant
 * makes the test that made the call fail: {@link IamWatch} fails a test during which a call is refused) or listed
 * in {@link #JUSTIFIED} with the reason it is granted anyway. The report of every grant goes to
 * {@code test/target/least-privilege.txt}, a summary to the test log. One grant is removed for real: the dev template
 * without it runs the end-to-end test that needs it, which fails with AccessDenied.
 */
@Order(3)
class LeastPrivilegeTest {
    /**
     * Grants no end-to-end call exercises, by function (short name, {@code *} for every function) and action, each
     * with why it stays. The one reviewed place for them: an entry that no longer matches an unused grant fails.
     */
    static final Map<String, String> JUSTIFIED = new TreeMap<>(Map.of(
            "*:logs:CreateLogStream", "Lambda writes the function's output to its log group with the role;"
                    + " the local runtime writes logs itself",
            "*:logs:PutLogEvents", "Lambda writes the function's output to its log group with the role;"
                    + " the local runtime writes logs itself",
            "*:xray:PutTraceSegments", "Lambda's active tracing sends segments with the role; not emulated locally",
            "*:xray:PutTelemetryRecords", "Lambda's active tracing sends telemetry with the role; not emulated locally",
            "AdClicksProcessorConsumer:sqs:ChangeMessageVisibility", "granted with the event source mapping by CDK's"
                    + " SqsEventSource (grantConsumeMessages); Lambda's poller needs ReceiveMessage, DeleteMessage and"
                    + " GetQueueAttributes (checked when the mapping is created)",
            "AdClicksProcessorConsumer:sqs:GetQueueUrl", "granted with the event source mapping by CDK's SqsEventSource"
                    + " (grantConsumeMessages); neither the poller nor the handler looks the queue up"));

    private static final List<String> STAGES = List.of("dev", "staging");
    private static final Map<String, Class<?>> SUITES = Map.of("dev", DevEndToEndTest.class,
            "staging", StagingEndToEndTest.class);
    private static List<LeastPrivilege.Run> runs;
    private static List<Finding> findings;
    private static Map<String, String> shortNames;

    @BeforeAll
    static void analyse() {
        runs = new ArrayList<>();
        shortNames = new LinkedHashMap<>();
        for (String stage : STAGES) {
            if (!LocalStage.runs().containsKey(stage)) {
                run(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(SUITES.get(stage))).build());
            }
            LocalRuntime r = LocalStage.runs().get(stage);
            assertThat(r).as("the " + stage + " end-to-end run").isNotNull();
            r.model().functions().forEach(f -> shortNames.put(f.logicalId(), f.shortName()));
            runs.add(new LeastPrivilege.Run(stage, r.access().iam(), r.sessions(), r.accessLog().calls()));
        }
        findings = LeastPrivilege.analyse(runs);
        String report = report();
        write(ProjectFiles.root().resolve("test/target/least-privilege.txt"), report);
        System.out.println(summary());
    }

    private static String key(Finding f) {
        return shortNames.get(f.grant().function()) + ":" + f.grant().action();
    }

    private static String justification(Finding f) {
        String exact = JUSTIFIED.get(key(f));
        return exact != null ? exact : JUSTIFIED.get("*:" + f.grant().action());
    }

    @Test
    void noCallWasRefusedInTheEndToEndRuns() {
        List<String> refused = runs.stream().flatMap(r -> r.calls().stream().filter(c -> !c.allowed())
                .map(c -> r.stage() + " " + c.label() + ": " + c.message())).toList();
        assertThat(refused).isEmpty();
    }

    @Test
    void everyGrantIsNeededByARecordedCallOrJustified() {
        List<String> unjustified = findings.stream().filter(f -> f.verdict() != Verdict.NEEDED)
                .filter(f -> justification(f) == null)
                .map(f -> key(f) + " (" + f.verdict() + ", " + f.grant().statement() + " on " + f.grant().resource()
                        + ")").toList();
        assertThat(unjustified).as("grants no end-to-end call needs: remove them, cover them with a test,"
                + " or justify them in LeastPrivilegeTest.JUSTIFIED (report: test/target/least-privilege.txt)")
                .isEmpty();
    }

    @Test
    void everyJustificationStillNamesAnUnusedGrant() {
        List<String> stale = JUSTIFIED.keySet().stream().filter(k -> findings.stream()
                .filter(f -> f.verdict() != Verdict.NEEDED)
                .noneMatch(f -> key(f).equals(k) || k.equals("*:" + f.grant().action()))).toList();
        assertThat(stale).as("justifications of grants that are gone or now needed").isEmpty();
    }

    @Test
    void removingAGrantTheAppNeedsFailsTheEndToEndTestThatNeedsIt() {
        Finding putItem = findings.stream().filter(f -> "PetStoreAddPet".equals(shortNames.get(f.grant().function()))
                && f.grant().action().equals("dynamodb:PutItem")).findFirst().orElseThrow();
        assertThat(putItem.verdict()).isEqualTo(Verdict.NEEDED);
        String test = putItem.neededBy().label();
        String method = test.substring(test.indexOf('.') + 1);

        Path variant = withoutGrant("dev", putItem.grant().statement(), putItem.grant().action(), "without-put-item");
        WithoutTheGrant.assembly = variant;
        TestExecutionSummary summary = run(LauncherDiscoveryRequestBuilder.request()
                .selectors(selectMethod(WithoutTheGrant.class, method)).build());
        assertThat(summary.getTestsFailedCount()).as(test + " on the dev template without AddPet's PutItem: "
                + summary.getTestsFoundCount() + " found; " + summary.getFailures().stream()
                .map(f -> f.getTestIdentifier().getDisplayName() + ": " + f.getException()).toList())
                .isEqualTo(1);
        Throwable failure = summary.getFailures().get(0).getException();
        assertThat(failure.getMessage()).contains("AccessDeniedException",
                "is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:",
                "because no identity-based policy allows the dynamodb:PutItem action");
    }

    @Test
    void aQueueConsumerWhoseRoleCannotReceiveIsRefusedWhenItsMappingIsCreated() {
        Finding receive = findings.stream().filter(f -> "AdClicksProcessorConsumer".equals(
                shortNames.get(f.grant().function())) && f.grant().action().equals("sqs:ReceiveMessage"))
                .findFirst().orElseThrow();
        Path variant = withoutGrant("dev", receive.grant().statement(), "sqs:ReceiveMessage", "without-receive");
        assertThatThrownBy(() -> LocalStage.runtime("dev-without-receive", "dev", variant))
                .hasMessageContaining("InvalidParameterValueException: The provided execution role does not have"
                        + " permissions to call ReceiveMessage on SQS");
    }

    /** The end-to-end tests, on the assembly {@link #withoutGrant} wrote. Run only from here. */
    static class WithoutTheGrant extends LocalAppEndToEndTest {
        static Path assembly;

        WithoutTheGrant() {
            super("dev", "http://localhost:5173");
        }

        @Override
        LocalRuntime start() {
            return LocalStage.runtime("dev-without-a-grant", "dev", assembly);
        }
    }

    private static TestExecutionSummary run(LauncherDiscoveryRequest request) {
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        LauncherFactory.create().execute(request, listener);
        return listener.getSummary();
    }

    /**
     * A copy of one stage of the suite's assembly whose template lacks one action in one IAM policy statement (all
     * else is linked, not copied).
     */
    static Path withoutGrant(String stage, String statement, String action, String name) {
        return LocalStage.variant(stage, name, template -> {
            String[] id = statement.split("#");
            JsonNode s = template.path("Resources").path(id[0]).path("Properties").path("PolicyDocument")
                    .path("Statement").path(Integer.parseInt(id[1]));
            assertThat(s.isObject()).as("statement " + statement + " in the " + stage + " template").isTrue();
            JsonNode actions = s.get("Action");
            ArrayNode kept = Json.MAPPER.createArrayNode();
            (actions.isArray() ? actions : Json.MAPPER.createArrayNode().add(actions)).forEach(a -> {
                if (!a.asText().equals(action)) {
                    kept.add(a);
                }
            });
            assertThat(kept.size()).as(action + " in " + statement)
                    .isEqualTo(actions.isArray() ? actions.size() - 1 : 0);
            ((ObjectNode) s).set("Action", kept);
        });
    }

    private static String report() {
        StringBuilder b = new StringBuilder("Least privilege from the end-to-end runs (" + String.join(", ", STAGES)
                + "): each action each function's role grants, and the recorded call that needs it\n");
        Map<String, List<Finding>> byFunction = findings.stream().collect(Collectors.groupingBy(
                f -> shortNames.get(f.grant().function()) + " (role " + f.grant().role() + ")", TreeMap::new,
                Collectors.toList()));
        byFunction.forEach((function, list) -> {
            b.append('\n').append(function).append('\n');
            for (Finding f : list) {
                b.append(String.format("  %-28s %-9s ", f.grant().action(), f.verdict()));
                if (f.verdict() == Verdict.NEEDED) {
                    AccessLog.Call c = f.neededBy();
                    b.append(f.stage()).append(' ').append(c.label()).append(": ").append(c.via()).append(" on ")
                            .append(c.resource());
                } else {
                    String why = justification(f);
                    b.append(why == null ? "CANDIDATE OVER-GRANT (" + f.grant().statement() + " on "
                            + f.grant().resource() + ")" : "justified: " + why);
                }
                b.append('\n');
            }
        });
        b.append("\nRefused calls:\n");
        int refused = 0;
        for (LeastPrivilege.Run r : runs) {
            for (AccessLog.Call c : r.calls()) {
                if (!c.allowed()) {
                    refused++;
                    b.append("  ").append(r.stage()).append(' ').append(c.label()).append(": ").append(c.message())
                            .append('\n');
                }
            }
        }
        if (refused == 0) {
            b.append("  none\n");
        }
        return b.toString();
    }

    private static String summary() {
        Map<Verdict, Long> counts = findings.stream().collect(Collectors.groupingBy(Finding::verdict, TreeMap::new,
                Collectors.counting()));
        long unjustified = findings.stream().filter(f -> f.verdict() != Verdict.NEEDED && justification(f) == null)
                .count();
        long refused = runs.stream().mapToLong(r -> r.calls().stream().filter(c -> !c.allowed()).count()).sum();
        return "Least privilege (" + String.join(", ", STAGES) + " end-to-end runs): " + findings.size() + " grants: "
                + counts + "; unused or redundant without a justification: " + unjustified + "; refused calls: "
                + refused + ". Report: test/target/least-privilege.txt";
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
