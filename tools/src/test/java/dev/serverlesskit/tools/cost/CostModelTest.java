package dev.serverlesskit.tools.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.serverlesskit.tools.cfn.AppModel;
import dev.serverlesskit.tools.cfn.Json;
import dev.serverlesskit.tools.cfn.Template;
import dev.serverlesskit.tools.cost.CostModel.Estimate;
import dev.serverlesskit.tools.cost.CostModel.Line;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each priced service against line items computed by hand from the eu-west-1 prices, on a small template that has one
 * of everything the kit prices, plus a provisioned table and a state machine that must be listed as not priced.
 */
class CostModelTest {
    static final String TEMPLATE = """
            {"Resources": {
              "Reader": {"Type": "AWS::Lambda::Function", "Properties": {"Architectures": ["arm64"], "MemorySize": 1024,
                "ReservedConcurrentExecutions": 5, "LoggingConfig": {"LogGroup": {"Ref": "ReaderLogs"}},
                "TracingConfig": {"Mode": "Active"}, "Role": {"Fn::GetAtt": ["ReaderRole", "Arn"]}}},
              "ReaderRole": {"Type": "AWS::IAM::Role", "Properties": {}},
              "ReaderLogs": {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 30}},
              "Worker": {"Type": "AWS::Lambda::Function", "Properties": {"MemorySize": 512,
                "LoggingConfig": {"LogGroup": {"Ref": "WorkerLogs"}}}},
              "WorkerLogs": {"Type": "AWS::Logs::LogGroup", "Properties": {}},
              "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "api"}},
              "Stage": {"Type": "AWS::ApiGateway::Stage", "Properties": {"RestApiId": {"Ref": "Api"},
                "StageName": "v1", "TracingEnabled": true, "MethodSettings": [{"HttpMethod": "*", "ResourcePath": "/*",
                "ThrottlingRateLimit": 20, "ThrottlingBurstLimit": 40}]}},
              "ItemsResource": {"Type": "AWS::ApiGateway::Resource", "Properties": {"RestApiId": {"Ref": "Api"},
                "ParentId": {"Fn::GetAtt": ["Api", "RootResourceId"]}, "PathPart": "items"}},
              "GetItems": {"Type": "AWS::ApiGateway::Method", "Properties": {"RestApiId": {"Ref": "Api"},
                "ResourceId": {"Ref": "ItemsResource"}, "HttpMethod": "GET", "AuthorizationType": "NONE",
                "Integration": {"Type": "AWS_PROXY", "Uri": {"Fn::Join": ["", [
                  "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/", {"Fn::GetAtt": ["Reader", "Arn"]},
                  "/invocations"]]}}},
                "Metadata": {"serverlesskit:access": "public"}},
              "Items": {"Type": "AWS::DynamoDB::Table", "Properties": {"BillingMode": "PAY_PER_REQUEST",
                "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": true}}},
              "Ledger": {"Type": "AWS::DynamoDB::Table", "Properties": {"ProvisionedThroughput": {
                "ReadCapacityUnits": 5, "WriteCapacityUnits": 5}}},
              "Jobs": {"Type": "AWS::SQS::Queue", "Properties": {}},
              "JobsToWorker": {"Type": "AWS::Lambda::EventSourceMapping", "Properties": {
                "EventSourceArn": {"Fn::GetAtt": ["Jobs", "Arn"]}, "FunctionName": {"Ref": "Worker"}, "BatchSize": 10}},
              "AlarmTopic": {"Type": "AWS::SNS::Topic", "Properties": {}},
              "ErrorsAlarm": {"Type": "AWS::CloudWatch::Alarm", "Properties": {"MetricName": "Errors", "Period": 60}},
              "ThrottlesAlarm": {"Type": "AWS::CloudWatch::Alarm", "Properties": {"MetricName": "Throttles",
                "Period": 300}},
              "MathAlarm": {"Type": "AWS::CloudWatch::Alarm", "Properties": {"Metrics": [
                {"Id": "e", "Expression": "a + b + c"},
                {"Id": "a", "MetricStat": {"Metric": {"MetricName": "A"}, "Period": 60}},
                {"Id": "b", "MetricStat": {"Metric": {"MetricName": "B"}, "Period": 60}},
                {"Id": "c", "MetricStat": {"Metric": {"MetricName": "C"}, "Period": 60}}]}},
              "FastAlarm": {"Type": "AWS::CloudWatch::Alarm", "Properties": {"MetricName": "Latency", "Period": 10}},
              "Board": {"Type": "AWS::CloudWatch::Dashboard", "Properties": {"DashboardBody": "{}"}},
              "Key": {"Type": "AWS::KMS::Key", "Properties": {"EnableKeyRotation": true}},
              "Users": {"Type": "AWS::Cognito::UserPool", "Properties": {"UserPoolTier": "PLUS"}},
              "Checker": {"Type": "AWS::Lambda::Function", "Properties": {"MemorySize": 128}},
              "CheckerSchedule": {"Type": "AWS::Events::Rule", "Properties": {"ScheduleExpression": "rate(1 hour)",
                "State": "ENABLED", "Targets": [{"Arn": {"Fn::GetAtt": ["Checker", "Arn"]}, "Id": "t"}]}},
              "Shield": {"Type": "AWS::WAFv2::WebACL", "Properties": {"Scope": "REGIONAL", "Rules": [
                {"Name": "RateLimitPerClient", "Priority": 0}]}},
              "ShieldAssociation": {"Type": "AWS::WAFv2::WebACLAssociation", "Properties": {
                "WebACLArn": {"Fn::GetAtt": ["Shield", "Arn"]}}},
              "Flow": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {}},
              "TestUser": {"Type": "AWS::SecretsManager::Secret", "Properties": {"GenerateSecretString": {}}}
            }}""";

    static final String PROFILE = """
            {"description": "test traffic",
             "monthlyActiveUsers": 1000,
             "routes": {"GET /items": {"requestsPerMonth": 1000000, "durationMs": 100,
                                       "dynamodb": {"Items": {"reads": 4, "writes": 2}}, "sqs": {"Jobs": 1}}},
             "functions": {"Worker": {"invocationsPerMonth": 100000, "durationMs": 200, "sqs": {"Jobs": 2}},
                           "Checker": {"durationMs": 1000}},
             "queues": {"idleReceivesPerMonthPerConsumer": 657000},
             "tables": {"Items": {"gb": 10}},
             "logs": {"bytesPerInvocation": 1073.741824},
             "customMetrics": 10,
             "topics": {"AlarmTopic": {"publishesPerMonth": 1000000, "emailsPerMonth": 100000}},
             "kmsRequestsPerMonth": 100000,
             "alwaysOn": {"description": "two small servers", "replaces": ["Lambda", "API Gateway"], "items": [
               {"price": "ec2.t4g.small", "quantity": 1460}, {"price": "elb.alb.hours", "quantity": 730},
               {"price": "elb.alb.lcu", "quantity": 730}]}}""";

    static AppModel model() {
        return new AppModel(new Template(Json.parse(TEMPLATE), "test/Stack", null));
    }

    private static Estimate estimate(Profile profile) {
        return new CostModel(Prices.load()).estimate(model(), profile, "eu-west-1");
    }

    /** Every line, by resource and driver, with its monthly cost computed by hand. */
    @Test
    void eachServicesLineItemsMatchTheHandComputedFigures() {
        Map<String, Double> expected = new LinkedHashMap<>();
        expected.put("Reader requests", 1_000_000 * 0.20 / 1e6);
        expected.put("Reader compute (1024 MB, arm64)", 1_000_000 * 0.100 * 1.0 * 0.0000133334);
        expected.put("Worker requests", 100_000 * 0.20 / 1e6);
        expected.put("Worker compute (512 MB, x86_64)", 100_000 * 0.200 * 0.5 * 0.0000166667);
        expected.put("Api REST requests", 1_000_000 * 3.50 / 1e6);
        expected.put("Items read request units", 4_000_000 * 0.1415 / 1e6);
        expected.put("Items write request units", 2_000_000 * 0.7068 / 1e6);
        expected.put("Items storage (GB)", 10 * 0.283);
        expected.put("Items point-in-time recovery (GB)", 10 * 0.2264);
        expected.put("Jobs requests (sends, receives, deletes)", (1_000_000 + 2 * 100_000) * 0.40 / 1e6);
        expected.put("Jobs empty receives of 1 polling consumer", 657_000 * 0.40 / 1e6);
        expected.put("AlarmTopic publishes", 1_000_000 * 0.50 / 1e6);
        expected.put("AlarmTopic email notifications", 100_000 * 2.00 / 100_000);
        expected.put("4 alarms standard-resolution alarm metrics", (2 + 3) * 0.10);
        expected.put("4 alarms high-resolution alarm metrics", 1 * 0.30);
        expected.put("Board dashboard", 3.00);
        expected.put("custom metrics (EMF) metrics published", 10 * 0.30);
        expected.put("ReaderLogs ingestion (GB)", 1.0 * 0.57);
        expected.put("ReaderLogs storage (GB kept, 30 days)", 1.0 * 30 / (365 / 12d) * 0.03);
        expected.put("WorkerLogs ingestion (GB)", 0.1 * 0.57);
        expected.put("WorkerLogs storage (GB kept, never expires: 12 months shown)", 0.1 * 12 * 0.03);
        expected.put("Key key", 1.00);
        expected.put("Key requests", 100_000 * 0.03 / 10_000);
        expected.put("Users monthly active users (PLUS plan)", 1000 * 0.02);
        expected.put("X-Ray traces recorded (1/s, then 5% sampled)", 1_000_000 * 5.00 / 1e6);
        // the schedule's 730 runs a month come from the template, not the profile
        expected.put("Checker requests", 730 * 0.20 / 1e6);
        expected.put("Checker compute (128 MB, x86_64)", 730 * 1.0 * 0.125 * 0.0000166667);
        expected.put("Shield web ACL", 5.00);
        expected.put("Shield rules", 1 * 1.00);
        expected.put("Shield requests inspected", 1_000_000 * 0.60 / 1e6);
        expected.put("TestUser secret", 0.40);

        Estimate e = estimate(Profile.of(Json.parse(PROFILE)));

        Map<String, Double> actual = new LinkedHashMap<>();
        for (Line l : e.lines()) {
            actual.put(l.resource() + " " + l.driver(), l.monthly());
        }
        assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((k, v) -> assertThat(actual.get(k)).as(k).isCloseTo(v, within(1e-9)));
        assertThat(e.total()).isCloseTo(expected.values().stream().mapToDouble(Double::doubleValue).sum(),
                within(1e-9));
    }

    @Test
    void whatItCannotPriceIsListedNeverZero() {
        Estimate e = estimate(Profile.of(Json.parse(PROFILE)));

        assertThat(e.notPriced()).extracting(n -> n.resource() + ": " + n.reason()).containsExactly(
                "Ledger: provisioned capacity (PROVISIONED) is not modelled",
                "Flow: no price for AWS::StepFunctions::StateMachine in the price table");
        assertThat(e.lines()).noneMatch(l -> l.resource().equals("Ledger") || l.resource().equals("Flow"));
        assertThat(e.noCharge()).containsEntry("IAM::Role", 1).containsEntry("ApiGateway::Method", 1);
    }

    @Test
    void aRegionWithoutPricesPricesNothingAndSaysWhy() {
        Estimate e = new CostModel(Prices.load()).estimate(model(), Profile.of(Json.parse(PROFILE)), "ap-east-2");

        assertThat(e.lines()).isEmpty();
        assertThat(e.notPriced()).anyMatch(n -> n.reason().equals("no price for lambda.requests in ap-east-2"));
    }

    @Test
    void theFloorAtZeroTrafficIsAlarmsDashboardsKeysIdlePollingWebAclsAndSecrets() {
        Estimate floor = estimate(Profile.of(Json.parse(PROFILE)).zero());

        // alarms, dashboard, key, idle polling, the web ACL and its rule, the secret and the scheduled function's runs
        assertThat(floor.total()).isCloseTo((2 + 3) * 0.10 + 0.30 + 3.00 + 1.00 + 657_000 * 0.40 / 1e6 + 5.00 + 1.00
                + 0.40
                + 730 * 0.20 / 1e6 + 730 * 1.0 * 0.125 * 0.0000166667, within(1e-9));
    }

    @Test
    void xraySamplesTheFirstRequestEachSecondThenFivePercent() {
        Profile p = Profile.of(Json.parse(PROFILE));
        double reservoir = 730 * 3600;
        assertThat(CostModel.sampled(1_000_000, p)).isEqualTo(1_000_000);
        assertThat(CostModel.sampled(10_000_000, p)).isCloseTo(reservoir + 0.05 * (10_000_000 - reservoir),
                within(1e-6));
    }

    @Test
    void theStageScalesTrafficAndDataButNotTheFixedParts() {
        String scaled = PROFILE.replace("\"description\"", "\"stageScale\": {\"dev\": 0.1}, \"description\"");
        Estimate dev = estimate(Profile.of(Json.parse(scaled)).forStage("dev"));
        Map<String, Double> actual = new LinkedHashMap<>();
        dev.lines().forEach(l -> actual.put(l.resource() + " " + l.driver(), l.quantity()));

        assertThat(actual.get("Reader requests")).isCloseTo(100_000, within(1e-6));
        assertThat(actual.get("Items storage (GB)")).isCloseTo(1, within(1e-9));
        assertThat(actual.get("Board dashboard")).isEqualTo(1);
        assertThat(actual.get("Jobs empty receives of 1 polling consumer")).isEqualTo(657_000);
    }

    @Test
    void theBreakEvenIsTheTrafficAtWhichTheReplacedServicesCostAsMuchAsTheAlwaysOnAlternative() {
        String report = CostReport.render("test", model(), Profile.of(Json.parse(PROFILE)), Prices.load(),
                "eu-west-1", false).markdown(0);

        double alternative = 1460 * 0.0184 + 730 * 0.0252 + 730 * 0.008;
        double replaced = 0.20 + 0.100 * 1_000_000 * 0.0000133334 + 0.02 + 10_000 * 0.0000166667 + 3.50;
        assertThat(report).contains("two small servers costs " + Money.format(alternative) + "/month, as much as"
                + " Lambda + API Gateway (" + Money.format(replaced) + " at this traffic) at **"
                + Money.quantity(Math.round(alternative / replaced * 10) / 10d) + "× this traffic**");
        assertThat(report).contains("**Fixed floor at zero traffic: $11.46**");
        assertThat(report).contains("| Reader (Lambda) | compute (1024 MB, arm64) | 100,000 | $0.0000133334 per GB-s |"
                + " $1.33 |");
        assertThat(report).contains("Flow (AWS::StepFunctions::StateMachine): not priced");
    }
}
