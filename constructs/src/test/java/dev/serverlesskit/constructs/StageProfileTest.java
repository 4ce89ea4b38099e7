package dev.serverlesskit.constructs;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.cognito.FeaturePlan;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.constructs.Construct;

class StageProfileTest {
    private static final Attribute ID = Attribute.builder().name("id").type(AttributeType.STRING).build();

    @Test
    void aDevelopmentProfileReachesEveryConstructOfItsScopeAndDestroyLeavesNothing() {
        Stack stack = TestStacks.stack();
        StageProfile.apply(stack, StageProfile.development());
        Construct service = new Construct(stack, "Service"); // the nearest profile up the tree applies
        Operations ops = new Operations(service, "Ops", null);
        new DataTable(service, "Table", DataTableProps.builder().partitionKey(ID).operations(ops).build());
        new UserDirectory(service, "Users", UserDirectoryProps.builder().operations(ops).build());
        new JavaFunction(service, "Fn", TestStacks.function().operations(ops).build());
        JavaFunction fn = new JavaFunction(service, "Api-Fn", TestStacks.function().operations(ops).build());
        new ServerlessApi(service, "Api", ServerlessApiProps.builder().operations(ops).build())
                .addRoute("GET", "/x", fn, RouteAccess.iam());
        Template template = Template.fromStack(stack);

        // the Operations KMS key is no longer left behind by cdk destroy
        template.hasResource("AWS::KMS::Key", Map.of("DeletionPolicy", "Delete"));
        template.hasResource("AWS::DynamoDB::Table", Map.of("DeletionPolicy", "Delete",
                "Properties", Match.objectLike(Map.of("DeletionProtectionEnabled", false))));
        template.hasResource("AWS::Cognito::UserPool", Map.of("DeletionPolicy", "Delete",
                "Properties", Match.objectLike(Map.of("DeletionProtection", "INACTIVE",
                        "UserPoolTier", "ESSENTIALS"))));
        template.allResources("AWS::Logs::LogGroup", Map.of("DeletionPolicy", "Delete",
                "Properties", Map.of("RetentionInDays", 7)));
        template.allResourcesProperties("AWS::CloudWatch::Alarm", Map.of("ActionsEnabled", false));
        template.allResourcesProperties("AWS::Lambda::Function", Map.of("SnapStart", Match.absent()));
    }

    @Test
    void aPropGivenToAConstructWinsOverItsProfile() {
        Stack stack = TestStacks.stack();
        StageProfile.apply(stack, StageProfile.development());
        new DataTable(stack, "Kept", DataTableProps.builder().partitionKey(ID)
                .removalPolicy(RemovalPolicy.RETAIN).build());
        new UserDirectory(stack, "Users", UserDirectoryProps.builder().featurePlan(FeaturePlan.PLUS).build());
        Template template = Template.fromStack(stack);
        // RETAIN given, deletion protection from the profile (false) rather than the construct's own default
        template.hasResource("AWS::DynamoDB::Table", Map.of("DeletionPolicy", "Retain",
                "Properties", Match.objectLike(Map.of("DeletionProtectionEnabled", false))));
        template.hasResourceProperties("AWS::Cognito::UserPool", Map.of("UserPoolTier", "PLUS",
                "UserPoolAddOns", Map.of("AdvancedSecurityMode", "ENFORCED")));
        assertThatThrownBy(() -> StageProfile.apply(stack, StageProfile.production()))
                .hasMessageStartingWith("Test: StageProfile.apply: the scope already has a stage profile");
    }

    @Test
    void withoutAProfileTheLibraryDefaultsApplyAndCognitoIsEssentials() {
        Stack stack = TestStacks.stack();
        new UserDirectory(stack, "Users", null);
        new DataTable(stack, "Table", DataTableProps.builder().partitionKey(ID).build());
        Template template = Template.fromStack(stack);
        template.hasResourceProperties("AWS::Cognito::UserPool", Map.of("UserPoolTier", "ESSENTIALS"));
        template.hasResource("AWS::DynamoDB::Table", Map.of("DeletionPolicy", "Retain",
                "Properties", Match.objectLike(Map.of("DeletionProtectionEnabled", true))));
        template.resourcePropertiesCountIs("AWS::Cognito::UserPool",
                Map.of("UserPoolAddOns", Match.anyValue()), 0);
    }
}
