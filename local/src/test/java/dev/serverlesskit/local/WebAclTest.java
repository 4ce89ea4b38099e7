package dev.serverlesskit.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The stage's web ACL as WAF evaluates it, from the template alone (the construct's own shape is in e2e tests). */
class WebAclTest {
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final List<String> warnings = new ArrayList<>();

    private static JsonNode template(String rules, String aclArn) {
        return Json.parse("""
                {"Resources": {
                  "Stage": {"Type": "AWS::ApiGateway::Stage", "Properties": {"StageName": "v1"}},
                  "Acl": {"Type": "AWS::WAFv2::WebACL", "Properties": {
                    "DefaultAction": {"Allow": {}},
                    "CustomResponseBodies": {"busy": {"ContentType": "APPLICATION_JSON", "Content": "{\\"error\\":1}"}},
                    "Rules": %s}},
                  "Assoc": {"Type": "AWS::WAFv2::WebACLAssociation", "Properties": {
                    "ResourceArn": {"Fn::Join": ["", ["arn:aws:apigateway:eu-west-1::/restapis/x/stages/", {"Ref": "Stage"}]]},
                    "WebACLArn": %s}}}}
                """.formatted(rules, aclArn));
    }

    private static String rateRule(String name, int priority, int limit, String action) {
        return """
                {"Name": "%s", "Priority": %d,
                 "Statement": {"RateBasedStatement": {"AggregateKeyType": "IP", "Limit": %d, "EvaluationWindowSec": 60}},
                 "Action": %s}""".formatted(name, priority, limit, action);
    }

    private WebAcl acl(String rules) {
        return WebAcl.read(template(rules, "{\"Fn::GetAtt\": [\"Acl\", \"Arn\"]}"), warnings::add, now::get)
                .orElseThrow();
    }

    @Test
    void aClientOverItsLimitInTheWindowGetsTheCustomResponseUntilTheWindowMovesOn() {
        WebAcl acl = acl("[" + rateRule("PerClient", 0, 3, """
                {"Block": {"CustomResponse": {"ResponseCode": 429, "CustomResponseBodyKey": "busy",
                  "ResponseHeaders": [{"Name": "Retry-After", "Value": "1"}]}}}""") + "]");
        for (int i = 0; i < 3; i++) {
            assertThat(acl.evaluate("10.0.0.1")).as("request " + (i + 1)).isEmpty();
        }
        WebAcl.Block block = acl.evaluate("10.0.0.1").orElseThrow();
        assertThat(block.status()).isEqualTo(429);
        assertThat(block.headers()).contains(java.util.Map.entry("Content-Type", "application/json"),
                java.util.Map.entry("Retry-After", "1"));
        assertThat(new String(block.body(), StandardCharsets.UTF_8)).isEqualTo("{\"error\":1}");
        assertThat(acl.evaluate("10.0.0.2")).as("another client").isEmpty();
        now.addAndGet(30_000);
        assertThat(acl.evaluate("10.0.0.1")).as("blocked requests count too").isPresent();
        now.addAndGet(60_001);
        assertThat(acl.evaluate("10.0.0.1")).as("a window later").isEmpty();
    }

    @Test
    void aCountRuleNeverBlocksAndABlockWithoutCustomResponseIsWafs403() {
        WebAcl acl = acl("[" + rateRule("Watch", 0, 1, "{\"Count\": {}}") + ","
                + rateRule("Hard", 1, 2, "{\"Block\": {}}") + "]");
        assertThat(acl.evaluate("10.0.0.1")).isEmpty();
        assertThat(acl.evaluate("10.0.0.1")).isEmpty();
        assertThat(acl.evaluate("10.0.0.1").orElseThrow().status()).isEqualTo(403);
    }

    @Test
    void aRuleItCannotEvaluateRefusesToStartAndAnAclOutsideTheTemplateIsReported() {
        assertThatThrownBy(() -> acl("""
                [{"Name": "Managed", "Priority": 0, "Statement": {"ManagedRuleGroupStatement": {"Name": "x"}},
                  "OverrideAction": {"None": {}}}]"""))
                .hasMessageContaining("rule Managed has a ManagedRuleGroupStatement statement")
                .hasMessageContaining("refuses to start");
        assertThatThrownBy(() -> acl("[" + rateRule("Fwd", 0, 10, "{\"Block\": {}}")
                .replace("\"IP\"", "\"FORWARDED_IP\"") + "]"))
                .hasMessageContaining("aggregated by FORWARDED_IP");
        assertThat(WebAcl.read(template("[]", "\"arn:aws:wafv2:eu-west-1:1:regional/webacl/org/1\""), warnings::add,
                now::get)).isEmpty();
        assertThat(warnings).singleElement().asString().contains("not emulated");
    }
}
