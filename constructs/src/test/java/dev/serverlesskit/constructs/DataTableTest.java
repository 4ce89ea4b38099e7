package dev.serverlesskit.constructs;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.GlobalSecondaryIndexProps;

class DataTableTest {
    private static final Attribute ID = Attribute.builder().name("id").type(AttributeType.STRING).build();

    @Test
    void defaultsAreOnDemandEncryptedRecoverableRetainedAndProtected() {
        Stack stack = TestStacks.stack();
        new DataTable(stack, "Table", DataTableProps.builder().partitionKey(ID).build());
        Template template = Template.fromStack(stack);

        template.hasResourceProperties("AWS::DynamoDB::Table", Map.of(
                "BillingMode", "PAY_PER_REQUEST",
                "SSESpecification", Map.of("SSEEnabled", true),
                "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true),
                "DeletionProtectionEnabled", true,
                "KeySchema", List.of(Map.of("AttributeName", "id", "KeyType", "HASH"))));
        template.hasResource("AWS::DynamoDB::Table", Map.of(
                "DeletionPolicy", "Retain", "UpdateReplacePolicy", "Retain"));
    }

    @Test
    void destroyPolicyDropsDeletionProtectionUnlessAsked() {
        Stack stack = TestStacks.stack();
        new DataTable(stack, "Table", DataTableProps.builder().partitionKey(ID)
                .removalPolicy(RemovalPolicy.DESTROY).build());
        Template template = Template.fromStack(stack);
        template.hasResource("AWS::DynamoDB::Table", Map.of("DeletionPolicy", "Delete"));
        template.hasResourceProperties("AWS::DynamoDB::Table", Map.of("DeletionProtectionEnabled", false));
    }

    @Test
    void ttlAndGlobalSecondaryIndexes() {
        Stack stack = TestStacks.stack();
        new DataTable(stack, "Table", DataTableProps.builder().partitionKey(ID)
                .timeToLiveAttribute("expiresAt")
                .globalSecondaryIndexes(List.of(GlobalSecondaryIndexProps.builder().indexName("byOwner")
                        .partitionKey(Attribute.builder().name("owner").type(AttributeType.STRING).build()).build()))
                .build());
        Template.fromStack(stack).hasResourceProperties("AWS::DynamoDB::Table", Map.of(
                "TimeToLiveSpecification", Map.of("AttributeName", "expiresAt", "Enabled", true),
                "GlobalSecondaryIndexes", List.of(Match.objectLike(Map.of("IndexName", "byOwner")))));
    }

    @Test
    void alarmsOnThrottlesAndSystemErrors() {
        Stack stack = TestStacks.stack();
        new DataTable(stack, "Table", DataTableProps.builder().partitionKey(ID).throttleAlarmThreshold(5.0).build());
        Template template = Template.fromStack(stack);
        template.resourceCountIs("AWS::CloudWatch::Alarm", 2);
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "Threshold", 5,
                "Metrics", Match.arrayWith(List.of(Match.objectLike(Map.of("Expression", "reads + writes"))))));
    }

    @Test
    void partitionKeyIsRequired() {
        assertThatThrownBy(() -> new DataTable(TestStacks.stack(), "Table", DataTableProps.builder().build()))
                .hasMessage("Test/Table: DataTableProps.partitionKey is required");
    }
}
