package dev.serverlesskit.test;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.serverlesskit.infra.ServerlessKitStage;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Audits every stage's template beyond cdk-nag: every function, queue, table, user pool and API is watched by
 * alarms; every alarm notifies the stage's topic; every route declares its access; no IAM statement has a
 * wildcard action, and only X-Ray's actions use a wildcard resource; the click intake deploys after its processor.
 */
class TemplateAuditTest {

    @TestFactory
    Stream<DynamicTest> everyStage() {
        return Synthesis.shared().stages().stream().map(ServerlessKitStage::getConfig).flatMap(config -> {
            CfnTemplate t = new CfnTemplate(Synthesis.shared().templateJson(config.name()));
            String stage = config.name() + ": ";
            return Stream.of(
                    DynamicTest.dynamicTest(stage + "every resource that can fail has alarms", () -> everyResourceIsAlarmed(t)),
                    DynamicTest.dynamicTest(stage + "every alarm notifies the stage's topic", () -> alarmsNotifyTheTopic(t)),
                    DynamicTest.dynamicTest(stage + "every route declares its access", () -> routesDeclareAccess(t)),
                    DynamicTest.dynamicTest(stage + "no IAM wildcard actions", () -> noWildcardActions(t)),
                    DynamicTest.dynamicTest(stage + "the click intake goes live after the click processor",
                            () -> clickIntakeDeploysAfterItsProcessor(t)));
        });
    }

    private static void everyResourceIsAlarmed(CfnTemplate t) {
        Set<String> watched = new HashSet<>();
        t.ofType("AWS::CloudWatch::Alarm").values().forEach(alarm -> {
            watched.addAll(CfnTemplate.references(alarm.path("Properties").path("Dimensions")));
            watched.addAll(CfnTemplate.references(alarm.path("Properties").path("Metrics")));
        });
        // API Gateway metrics are dimensioned by the API's name, which the stack sets as a literal.
        Set<String> apiNames = new HashSet<>();
        t.ofType("AWS::CloudWatch::Alarm").values().forEach(alarm -> alarm.path("Properties").path("Dimensions")
                .forEach(d -> apiNames.add(d.path("Value").asText())));
        for (String type : new String[] {"AWS::Lambda::Function", "AWS::SQS::Queue", "AWS::DynamoDB::Table",
                "AWS::Cognito::UserPool"}) {
            Map<String, JsonNode> resources = t.ofType(type);
            if (type.equals("AWS::SQS::Queue")) {
                // The alarm topic's undelivered-notification queue is itself the end of the alarm path.
                resources.keySet().removeIf(id -> id.contains("UndeliveredNotifications"));
            }
            assertThat(resources.keySet()).as(type).isNotEmpty().allMatch(watched::contains);
        }
        t.ofType("AWS::ApiGateway::RestApi").values().forEach(api ->
                assertThat(apiNames).contains(api.path("Properties").path("Name").asText()));
    }

    private static void alarmsNotifyTheTopic(CfnTemplate t) {
        Set<String> topics = t.ofType("AWS::SNS::Topic").keySet();
        assertThat(topics).hasSize(1);
        t.ofType("AWS::CloudWatch::Alarm").forEach((id, alarm) ->
                assertThat(CfnTemplate.references(alarm.path("Properties").path("AlarmActions"))).as(id)
                        .containsExactlyElementsOf(topics));
    }

    private static void routesDeclareAccess(CfnTemplate t) {
        assertThat(t.routes()).isNotEmpty().allSatisfy((route, method) -> {
            String access = method.path("Metadata").path("serverlesskit:access").asText();
            assertThat(access).as(route).matches("public|authenticated|groups:[\\w,+=.@-]+");
        });
    }

    /** A new message format the intake sends is only sent once the processor that reads it is live. */
    private static void clickIntakeDeploysAfterItsProcessor(CfnTemplate t) {
        Map<String, JsonNode> aliases = t.ofType("AWS::Lambda::Alias");
        String intake = onlyIdStartingWith(aliases, "AdClicksRecordClickAlias");
        String processor = onlyIdStartingWith(aliases, "AdClicksProcessorConsumerAlias");
        assertThat(CfnTemplate.strings(aliases.get(intake).path("DependsOn"))).contains(processor);
    }

    private static String onlyIdStartingWith(Map<String, JsonNode> resources, String prefix) {
        return resources.keySet().stream().filter(id -> id.startsWith(prefix)).reduce((a, b) -> {
            throw new AssertionError("more than one " + prefix + ": " + a + ", " + b);
        }).orElseThrow(() -> new AssertionError("no " + prefix));
    }

    private static void noWildcardActions(CfnTemplate t) {
        t.ofType("AWS::IAM::Policy").forEach((id, policy) ->
                policy.path("Properties").path("PolicyDocument").path("Statement").forEach(statement -> {
                    assertThat(CfnTemplate.strings(statement.path("Action"))).as(id).noneMatch(a -> a.contains("*"));
                    if (CfnTemplate.strings(statement.path("Resource")).contains("*")) {
                        assertThat(CfnTemplate.strings(statement.path("Action"))).as(id)
                                .allMatch(a -> a.startsWith("xray:"));
                    }
                }));
        assertThat(t.ofType("AWS::IAM::Role")).allSatisfy((id, role) ->
                assertThat(role.path("Properties").has("ManagedPolicyArns")).as(id + " uses a managed policy").isFalse());
    }
}
