package dev.serverlesskit.constructs;

import java.util.List;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.apigateway.CfnAccount;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.constructs.Construct;
import software.constructs.IConstruct;

/**
 * The account and region wide API Gateway setting that names the CloudWatch role API Gateway writes execution and
 * access logs with ({@code AWS::ApiGateway::Account}), and that role: at most one per stack, shared by every
 * {@link ServerlessApi} in it that sets {@code cloudWatchRole}.
 */
final class ApiGatewayAccount extends Construct {
    static final String ID = "ServerlessKitApiGatewayAccount";

    private final Role role;
    private final CfnAccount account;
    private final RemovalPolicy removalPolicy;

    private ApiGatewayAccount(Stack stack, RemovalPolicy removalPolicy) {
        super(stack, ID);
        this.removalPolicy = removalPolicy;
        String logGroups = stack.formatArn(ArnComponents.builder()
                .service("logs").resource("log-group").resourceName("*")
                .arnFormat(ArnFormat.COLON_RESOURCE_NAME).build());
        this.role = Role.Builder.create(this, "CloudWatchRole")
                .assumedBy(new ServicePrincipal("apigateway.amazonaws.com"))
                .description("Lets API Gateway write execution and access logs in this account and region")
                .inlinePolicies(java.util.Map.of("Logs", PolicyDocument.Builder.create()
                        .statements(List.of(PolicyStatement.Builder.create()
                                .actions(List.of("logs:CreateLogGroup", "logs:CreateLogStream",
                                        "logs:DescribeLogGroups", "logs:DescribeLogStreams", "logs:PutLogEvents",
                                        "logs:GetLogEvents", "logs:FilterLogEvents"))
                                .resources(List.of(logGroups))
                                .build()))
                        .build()))
                .build();
        role.applyRemovalPolicy(removalPolicy);
        NagAcknowledgments.acknowledgeWildcardResource((IConstruct) role.getNode().getDefaultChild(), logGroups,
                "The API Gateway CloudWatch role is account-wide: API Gateway creates and writes execution log"
                        + " groups named after each API at runtime, so the role cannot name them.");
        this.account = CfnAccount.Builder.create(this, "Account").cloudWatchRoleArn(role.getRoleArn()).build();
    }

    /** The stack's account setting, created by the first API that asks for it. */
    static ApiGatewayAccount of(Stack stack, RemovalPolicy removalPolicy) {
        IConstruct existing = stack.getNode().tryFindChild(ID);
        if (existing == null) {
            return new ApiGatewayAccount(stack, removalPolicy);
        }
        ApiGatewayAccount account = (ApiGatewayAccount) existing;
        Check.that(stack, account.removalPolicy == removalPolicy, "ServerlessApiProps.cloudWatchRoleRemovalPolicy: the"
                + " APIs of the stack share one API Gateway CloudWatch role, so they"
                + " must agree on its removal policy (" + account.removalPolicy + " and " + removalPolicy + ")");
        return account;
    }

    Role getRole() {
        return role;
    }

    CfnAccount getAccount() {
        return account;
    }
}
