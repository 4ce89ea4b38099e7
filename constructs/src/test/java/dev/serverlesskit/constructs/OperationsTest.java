package dev.serverlesskit.constructs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class OperationsTest {

    @Test
    void alarmsOfEveryConstructNotifyTheEncryptedTopicAndShowOnTheDashboard() {
        Stack stack = TestStacks.stack();
        Operations ops = new Operations(stack, "Ops", OperationsProps.builder()
                .alarmEmails(List.of("oncall@example.com")).build());
        new JavaFunction(stack, "Fn", TestStacks.function().operations(ops).build());
        Template template = Template.fromStack(stack);

        assertThat(ops.getAlarms()).hasSize(4);
        template.hasResourceProperties("AWS::SNS::Topic", Map.of("KmsMasterKeyId", Match.anyValue()));
        template.hasResourceProperties("AWS::KMS::Key", Map.of("EnableKeyRotation", true));
        template.hasResourceProperties("AWS::SNS::Subscription", Map.of(
                "Protocol", "email", "Endpoint", "oncall@example.com", "RedrivePolicy", Match.anyValue()));
        template.allResourcesProperties("AWS::CloudWatch::Alarm", Map.of(
                "AlarmActions", List.of(Map.of("Ref", Match.stringLikeRegexp("OpsAlarmTopic.*"))),
                "ActionsEnabled", Match.absent()));
        template.hasResourceProperties("AWS::CloudWatch::Dashboard", Map.of("DashboardBody", Match.anyValue()));
    }

    @Test
    void pagingOffKeepsAlarmsButDisablesTheirActions() {
        Stack stack = TestStacks.stack();
        Operations ops = new Operations(stack, "Ops", OperationsProps.builder().pagingEnabled(false).build());
        new JavaFunction(stack, "Fn", TestStacks.function().operations(ops).build());
        Template template = Template.fromStack(stack);
        template.resourceCountIs("AWS::CloudWatch::Alarm", 4);
        template.allResourcesProperties("AWS::CloudWatch::Alarm", Map.of("ActionsEnabled", false));
    }

    @Test
    void rejectsMalformedEmail() {
        assertThatThrownBy(() -> new Operations(TestStacks.stack(), "Ops",
                OperationsProps.builder().alarmEmails(List.of("not-an-email")).build()))
                .hasMessageContaining("OperationsProps.alarmEmails must hold email addresses (got 'not-an-email')");
    }
}
