package dev.serverlesskit.constructs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.cognito.Mfa;

class UserDirectoryTest {

    @Test
    void defaultsGiveStrongPasswordsEmailSignInOptionalTotpTheEssentialsPlanAndRetention() {
        Stack stack = TestStacks.stack();
        new UserDirectory(stack, "Users", UserDirectoryProps.builder().build());
        Template template = Template.fromStack(stack);

        template.hasResourceProperties("AWS::Cognito::UserPool", Map.of(
                "UsernameAttributes", List.of("email"),
                "AutoVerifiedAttributes", List.of("email"),
                "MfaConfiguration", "OPTIONAL",
                "EnabledMfas", List.of("SOFTWARE_TOKEN_MFA"),
                "UserPoolTier", "ESSENTIALS",
                "DeletionProtection", "ACTIVE",
                "AdminCreateUserConfig", Map.of("AllowAdminCreateUserOnly", true),
                "Policies", Map.of("PasswordPolicy", Map.of(
                        "MinimumLength", 12, "RequireLowercase", true, "RequireUppercase", true,
                        "RequireNumbers", true, "RequireSymbols", true))));
        template.hasResource("AWS::Cognito::UserPool", Map.of("DeletionPolicy", "Retain"));
    }

    @Test
    void browserClientHasNoSecretUsesSrpAndHidesUserExistence() {
        Stack stack = TestStacks.stack();
        new UserDirectory(stack, "Users", UserDirectoryProps.builder().build());
        Template.fromStack(stack).hasResourceProperties("AWS::Cognito::UserPoolClient", Map.of(
                "GenerateSecret", false,
                "ExplicitAuthFlows", List.of("ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"),
                "PreventUserExistenceErrors", "ENABLED",
                "EnableTokenRevocation", true,
                "AllowedOAuthFlowsUserPoolClient", false));
    }

    @Test
    void groupsMfaRequiredAndDestroyablePool() {
        Stack stack = TestStacks.stack();
        UserDirectory users = new UserDirectory(stack, "Users", UserDirectoryProps.builder()
                .groups(List.of("admins")).mfa(Mfa.REQUIRED).removalPolicy(RemovalPolicy.DESTROY)
                .selfSignUpEnabled(true).allowPasswordAuth(true).build());
        Template template = Template.fromStack(stack);

        template.hasResourceProperties("AWS::Cognito::UserPoolGroup", Map.of("GroupName", "admins"));
        template.hasResourceProperties("AWS::Cognito::UserPool", Map.of(
                "MfaConfiguration", "ON", "DeletionProtection", "INACTIVE",
                "AdminCreateUserConfig", Map.of("AllowAdminCreateUserOnly", false)));
        template.hasResourceProperties("AWS::Cognito::UserPoolClient", Map.of(
                "ExplicitAuthFlows", Match.arrayWith(List.of("ALLOW_USER_PASSWORD_AUTH"))));
        template.hasResource("AWS::Cognito::UserPool", Map.of("DeletionPolicy", "Delete"));
        assertThat(users.group("admins")).isEqualTo("admins");
        assertThatThrownBy(() -> users.group("editors")).hasMessageContaining("has no group 'editors'");
    }

    @Test
    void alarmsOnSignInThrottles() {
        Stack stack = TestStacks.stack();
        new UserDirectory(stack, "Users", UserDirectoryProps.builder().build());
        Template.fromStack(stack).hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "Namespace", "AWS/Cognito", "MetricName", "SignInThrottles"));
    }

    @Test
    void rejectsWeakPasswordLengthAndBadGroupNames() {
        assertThatThrownBy(() -> new UserDirectory(TestStacks.stack(), "Users",
                UserDirectoryProps.builder().passwordMinLength(6).build()))
                .hasMessageContaining("UserDirectoryProps.passwordMinLength must be between 8 and 99 (got 6)");
        assertThatThrownBy(() -> new UserDirectory(TestStacks.stack(), "Users",
                UserDirectoryProps.builder().groups(List.of("bad group")).build()))
                .hasMessageContaining("UserDirectoryProps.groups");
    }
}
