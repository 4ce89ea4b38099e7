package dev.serverlesskit.tools.review;

import java.util.Map;
import java.util.Set;

/**
 * Which property changes make CloudFormation replace a resource ("Update requires: Replacement" in the CloudFormation
 * template reference), for the resource types this kit creates. A reviewed table rather than another tool's internals:
 * checked against the CloudFormation reference and the resource provider schemas' create-only properties (December
 * 2026). {@code ReplacementTest} fails when a template of the kit uses a type that is not here, so that a new type is
 * reviewed before the report trusts it; the report says "replacement unknown" for a type it has no row for.
 */
public final class Replacement {
    /** Every property of these types causes replacement: versions and permissions are immutable. */
    private static final Set<String> IMMUTABLE = Set.of("AWS::Lambda::Version", "AWS::Lambda::Permission");

    private static final Map<String, Set<String>> REPLACING = Map.ofEntries(
            Map.entry("AWS::ApiGateway::Account", Set.of()),
            Map.entry("AWS::ApiGateway::Authorizer", Set.of("RestApiId")),
            Map.entry("AWS::ApiGateway::Deployment", Set.of("DeploymentCanarySettings", "RestApiId")),
            Map.entry("AWS::ApiGateway::GatewayResponse", Set.of("ResponseType", "RestApiId")),
            Map.entry("AWS::ApiGateway::Method", Set.of("HttpMethod", "ResourceId", "RestApiId")),
            Map.entry("AWS::ApiGateway::Model", Set.of("ContentType", "Name", "RestApiId")),
            Map.entry("AWS::ApiGateway::RequestValidator", Set.of("Name", "RestApiId")),
            Map.entry("AWS::ApiGateway::Resource", Set.of("ParentId", "PathPart", "RestApiId")),
            Map.entry("AWS::ApiGateway::RestApi", Set.of()),
            Map.entry("AWS::ApiGateway::Stage", Set.of("RestApiId", "StageName")),
            Map.entry("AWS::ApiGateway::UsagePlan", Set.of()),
            Map.entry("AWS::CloudWatch::Alarm", Set.of("AlarmName")),
            Map.entry("AWS::CloudWatch::CompositeAlarm", Set.of("AlarmName")),
            Map.entry("AWS::CloudWatch::Dashboard", Set.of("DashboardName")),
            Map.entry("AWS::CodeBuild::Project", Set.of("Name")),
            Map.entry("AWS::CodeDeploy::Application", Set.of("ApplicationName", "ComputePlatform")),
            Map.entry("AWS::WAFv2::WebACL", Set.of("Name", "Scope")),
            Map.entry("AWS::WAFv2::WebACLAssociation", Set.of("ResourceArn", "WebACLArn")),
            Map.entry("AWS::CodeDeploy::DeploymentGroup", Set.of("ApplicationName", "DeploymentGroupName")),
            Map.entry("AWS::CodePipeline::Pipeline", Set.of("Name")),
            // The provider schema marks no user pool property create-only, but UpdateUserPool cannot change how
            // users sign in: treated as replacement, the safer mistake for a resource that holds every user.
            Map.entry("AWS::Cognito::UserPool", Set.of("AliasAttributes", "UsernameAttributes",
                    "UsernameConfiguration")),
            Map.entry("AWS::Cognito::UserPoolClient", Set.of("GenerateSecret", "UserPoolId")),
            Map.entry("AWS::SecretsManager::Secret", Set.of("Name")),
            Map.entry("AWS::Cognito::UserPoolGroup", Set.of("GroupName", "UserPoolId")),
            Map.entry("AWS::DynamoDB::Table", Set.of("ImportSourceSpecification", "KeySchema", "TableName")),
            Map.entry("AWS::Events::Rule", Set.of("EventBusName", "Name")),
            Map.entry("AWS::IAM::ManagedPolicy", Set.of("ManagedPolicyName", "Path")),
            Map.entry("AWS::IAM::Policy", Set.of()),
            Map.entry("AWS::IAM::Role", Set.of("Path", "RoleName")),
            Map.entry("AWS::KMS::Alias", Set.of("AliasName")),
            Map.entry("AWS::KMS::Key", Set.of()),
            Map.entry("AWS::Lambda::Alias", Set.of("FunctionName", "Name")),
            Map.entry("AWS::Lambda::EventSourceMapping", Set.of("AmazonManagedKafkaEventSourceConfig",
                    "EventSourceArn", "SelfManagedEventSource", "SelfManagedKafkaEventSourceConfig",
                    "StartingPosition", "StartingPositionTimestamp")),
            Map.entry("AWS::Lambda::Function", Set.of("FunctionName", "PackageType", "TenancyConfig")),
            Map.entry("AWS::Lambda::Permission", Set.of()),
            Map.entry("AWS::Lambda::Version", Set.of()),
            Map.entry("AWS::Logs::LogGroup", Set.of("LogGroupName")),
            Map.entry("AWS::S3::Bucket", Set.of("BucketName", "ObjectLockEnabled")),
            Map.entry("AWS::S3::BucketPolicy", Set.of("Bucket")),
            Map.entry("AWS::SNS::Subscription", Set.of("Endpoint", "Protocol", "TopicArn")),
            Map.entry("AWS::SNS::Topic", Set.of("FifoTopic", "TopicName")),
            Map.entry("AWS::SNS::TopicPolicy", Set.of()),
            Map.entry("AWS::SQS::Queue", Set.of("FifoQueue", "QueueName")),
            Map.entry("AWS::SQS::QueuePolicy", Set.of()),
            Map.entry("AWS::CDK::Metadata", Set.of()));

    /** Properties whose change names a new physical resource: replacing a resource that keeps one fails. */
    private static final Set<String> NAME_PROPERTIES = Set.of("TableName", "QueueName", "TopicName", "FunctionName",
            "RoleName", "LogGroupName", "BucketName", "AlarmName", "DashboardName", "Name", "GroupName",
            "UserPoolName", "AliasName");

    private Replacement() {
    }

    public static boolean knows(String type) {
        return REPLACING.containsKey(type);
    }

    /** True when changing this top-level property replaces the resource; false for a type not in the table. */
    public static boolean replaces(String type, String property) {
        if (IMMUTABLE.contains(type)) {
            return true;
        }
        return REPLACING.getOrDefault(type, Set.of()).contains(property);
    }

    /** The name property a resource sets, if any: CloudFormation cannot replace a resource with a custom name. */
    public static boolean isNameProperty(String type, String property) {
        return NAME_PROPERTIES.contains(property) && (REPLACING.getOrDefault(type, Set.of()).contains(property)
                || property.equals("UserPoolName"));
    }

    static Set<String> knownTypes() {
        return REPLACING.keySet();
    }
}
