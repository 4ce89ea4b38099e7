package dev.serverlesskit.tools.cost;

import com.fasterxml.jackson.databind.JsonNode;
import dev.serverlesskit.tools.cfn.AppModel;
import dev.serverlesskit.tools.cfn.AppModel.Route;
import dev.serverlesskit.tools.cfn.Template;
import dev.serverlesskit.tools.cost.Prices.Price;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A stage's monthly cost from its template and a traffic profile: one line item per priced driver of each resource
 * (resource, driver, quantity, unit price, monthly), resources with no charge of their own counted, and every resource
 * it cannot price listed as "not priced" with the reason, never as zero. Months are 730 hours; a GB is 2^30 bytes.
 */
public final class CostModel {
    static final double SECONDS_PER_MONTH = 730 * 3600;
    static final double GB = 1024d * 1024 * 1024;

    /**
     * Types that cost nothing by themselves (their use is billed on the resources above them). CodeDeploy charges
     * nothing for deployments to Lambda (aws.amazon.com/codedeploy/pricing: "no additional charge for code
     * deployments to ... AWS Lambda"); the hook's invocations are the functions' own.
     */
    static final Set<String> NO_CHARGE = Set.of("AWS::IAM::Role", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy",
            "AWS::Lambda::Version", "AWS::Lambda::Alias", "AWS::Lambda::Permission", "AWS::Lambda::EventSourceMapping",
            "AWS::ApiGateway::Resource", "AWS::ApiGateway::Method", "AWS::ApiGateway::Deployment",
            "AWS::ApiGateway::Stage", "AWS::ApiGateway::Authorizer", "AWS::ApiGateway::Model",
            "AWS::ApiGateway::RequestValidator", "AWS::ApiGateway::GatewayResponse", "AWS::ApiGateway::Account",
            "AWS::SQS::QueuePolicy", "AWS::SNS::TopicPolicy", "AWS::SNS::Subscription", "AWS::Cognito::UserPoolClient",
            "AWS::Cognito::UserPoolGroup", "AWS::KMS::Alias", "AWS::S3::BucketPolicy", "AWS::CDK::Metadata",
            "AWS::Events::Rule", "AWS::CodeDeploy::Application", "AWS::CodeDeploy::DeploymentGroup",
            "AWS::CodeDeploy::DeploymentConfig", "AWS::WAFv2::WebACLAssociation");

    /** One priced line. {@code fixed} lines do not depend on traffic. */
    public record Line(String resource, String service, String driver, double quantity, Price price, boolean fixed,
            String note) {
        public double monthly() {
            return price.cost(quantity);
        }
    }

    /** A resource the model cannot price, and why. */
    public record NotPriced(String resource, String type, String reason) {
    }

    /** The estimate of one stage. */
    public record Estimate(String region, List<Line> lines, List<NotPriced> notPriced, Map<String, Integer> noCharge,
            List<Price> pricesUsed) {
        public double total() {
            return lines.stream().mapToDouble(Line::monthly).sum();
        }

        public double total(Set<String> services) {
            return lines.stream().filter(l -> services.contains(l.service())).mapToDouble(Line::monthly).sum();
        }
    }

    private final Prices prices;

    public CostModel(Prices prices) {
        this.prices = prices;
    }

    public Estimate estimate(AppModel model, Profile profile, String region) {
        Template t = model.template();
        List<Line> lines = new ArrayList<>();
        List<NotPriced> notPriced = new ArrayList<>();
        Map<String, Integer> noCharge = new TreeMap<>();
        Map<String, Price> used = new LinkedHashMap<>();
        Builder b = new Builder(region, lines, notPriced, used);

        double apiTraces = 0;
        double functionTraces = 0;
        Map<String, double[]> tableUnits = new LinkedHashMap<>();
        Map<String, Double> queueRequests = new LinkedHashMap<>();
        Map<String, Double> logBytes = new LinkedHashMap<>();

        // Functions: invocations from the routes that call them and from the profile (event sources, schedules).
        for (AppModel.Function f : model.functions().values()) {
            double invocations = 0;
            double gbSeconds = 0;
            String missingDuration = null;
            for (Route r : model.routes()) {
                if (!f.id().equals(r.functionId())) {
                    continue;
                }
                double requests = profile.routeRequests(r.key());
                Double ms = profile.routeDurationMs(r.key());
                if (ms == null) {
                    ms = profile.functionDurationMs(f.name());
                }
                if (ms == null && requests > 0) {
                    missingDuration = r.key();
                }
                invocations += requests;
                gbSeconds += requests * (ms == null ? 0 : ms / 1000) * f.memoryMb() / 1024d;
                accumulate(tableUnits, queueRequests, profile, "routes", r.key(), requests);
            }
            double own = profile.functionInvocations(f.name()) + scheduledInvocations(model, f.id());
            if (own > 0) {
                Double ms = profile.functionDurationMs(f.name());
                if (ms == null) {
                    missingDuration = f.name();
                }
                invocations += own;
                gbSeconds += own * (ms == null ? 0 : ms / 1000) * f.memoryMb() / 1024d;
                accumulate(tableUnits, queueRequests, profile, "functions", f.name(), own);
                if (f.tracing()) {
                    functionTraces += own;
                }
            }
            b.line(f.name(), "Lambda", "requests", invocations, "lambda.requests", false, null);
            String arch = f.architecture().equals("arm64") ? "arm64" : "x86_64";
            b.line(f.name(), "Lambda", "compute (" + f.memoryMb() + " MB, " + arch + ")", gbSeconds,
                    "lambda.duration." + arch, false, missingDuration == null ? null
                            : "no duration in the profile for " + missingDuration + ": its compute is not counted");
            if (f.logGroupId() != null) {
                logBytes.merge(f.logGroupId(), invocations * profile.logBytesPerInvocation(), Double::sum);
            }
        }

        for (AppModel.Api api : model.apis().values()) {
            double requests = model.routes().stream().filter(r -> api.id().equals(r.apiId()))
                    .mapToDouble(r -> profile.routeRequests(r.key())).sum();
            b.line(api.name(), "API Gateway", "REST requests", requests, "apigateway.rest.requests", false, null);
            if (api.tracing()) {
                apiTraces += requests;
            }
            if (api.accessLogGroupId() != null) {
                logBytes.merge(api.accessLogGroupId(), requests * profile.accessLogBytesPerRequest(), Double::sum);
            }
        }

        for (AppModel.Table table : model.tables().values()) {
            if (!table.billingMode().equals("PAY_PER_REQUEST")) {
                notPriced.add(new NotPriced(table.name(), "AWS::DynamoDB::Table",
                        "provisioned capacity (" + table.billingMode() + ") is not modelled"));
                continue;
            }
            double[] units = tableUnits.getOrDefault(table.name(), new double[2]);
            b.line(table.name(), "DynamoDB", "read request units", units[0], "dynamodb.ondemand.read", false, null);
            b.line(table.name(), "DynamoDB", "write request units", units[1], "dynamodb.ondemand.write", false, null);
            double gb = profile.tableGb(table.name());
            b.line(table.name(), "DynamoDB", "storage (GB)", gb, "dynamodb.storage", false, null);
            if (table.pointInTimeRecovery()) {
                b.line(table.name(), "DynamoDB", "point-in-time recovery (GB)", gb, "dynamodb.pitr", false, null);
            }
        }

        for (AppModel.Queue q : model.queues().values()) {
            double requests = queueRequests.getOrDefault(q.name(), 0d);
            long consumers = model.eventSources().stream().filter(e -> q.id().equals(e.sourceId())).count();
            String key = q.fifo() ? "sqs.fifo.requests" : "sqs.standard.requests";
            b.line(q.name(), "SQS", "requests (sends, receives, deletes)", requests, key, false, null);
            if (consumers > 0) {
                b.line(q.name(), "SQS", "empty receives of " + consumers + " polling consumer"
                        + (consumers > 1 ? "s" : ""), consumers * profile.idleReceivesPerConsumer(), key, true,
                        "estimate: Lambda long-polls the queue even when it is empty");
            }
        }

        for (String id : t.ofType("AWS::SNS::Topic")) {
            String name = t.name(id);
            b.line(name, "SNS", "publishes", profile.topicPublishes(name), "sns.publishes", false, null);
            b.line(name, "SNS", "email notifications", profile.topicEmails(name), "sns.email", false, null);
        }

        int standardMetrics = 0;
        int highResolutionMetrics = 0;
        for (AppModel.Alarm alarm : model.alarms().values()) {
            int metrics = alarm.metrics() * (alarm.anomalyDetection() ? 3 : 1);
            if (alarm.periodSeconds() < 60) {
                highResolutionMetrics += metrics;
            } else {
                standardMetrics += metrics;
            }
        }
        if (!model.alarms().isEmpty()) {
            b.line(model.alarms().size() + " alarms", "CloudWatch", "standard-resolution alarm metrics",
                    standardMetrics, "cloudwatch.alarm.standard", true, null);
            if (highResolutionMetrics > 0) {
                b.line(model.alarms().size() + " alarms", "CloudWatch", "high-resolution alarm metrics",
                        highResolutionMetrics, "cloudwatch.alarm.high-resolution", true, null);
            }
        }
        for (String id : t.ofType("AWS::CloudWatch::Dashboard")) {
            b.line(t.name(id), "CloudWatch", "dashboard", 1, "cloudwatch.dashboard", true, null);
        }
        if (!model.functions().isEmpty()) {
            b.line("custom metrics (EMF)", "CloudWatch", "metrics published", profile.customMetrics(),
                    "cloudwatch.metric.custom", false, "count from the profile: the template does not say");
        }

        for (AppModel.LogGroup g : model.logGroups().values()) {
            double gb = logBytes.getOrDefault(g.id(), 0d) / GB;
            b.line(g.name(), "CloudWatch Logs", "ingestion (GB)", gb, "logs.ingestion", false, null);
            double months = g.retentionDays() == null ? 12 : g.retentionDays() / (365d / 12);
            b.line(g.name(), "CloudWatch Logs", "storage (GB kept, " + (g.retentionDays() == null
                    ? "never expires: 12 months shown" : g.retentionDays() + " days") + ")", gb * months,
                    "logs.storage", false, null);
        }

        List<String> keys = t.ofType("AWS::KMS::Key");
        if (!keys.isEmpty()) {
            for (String id : keys) {
                boolean rotation = t.properties(id).path("EnableKeyRotation").asBoolean(false);
                b.line(t.name(id), "KMS", "key", 1, "kms.key", true,
                        rotation ? "+$1/month after each of the first two yearly rotations" : null);
            }
            b.line(keys.size() == 1 ? t.name(keys.get(0)) : keys.size() + " keys", "KMS", "requests",
                    profile.kmsRequests(), "kms.requests", false, null);
        }

        for (String id : t.ofType("AWS::Cognito::UserPool")) {
            String tier = t.properties(id).path("UserPoolTier").asText("ESSENTIALS");
            String key = "cognito.mau." + tier.toLowerCase(java.util.Locale.ROOT);
            b.line(t.name(id), "Cognito", "monthly active users (" + tier + " plan)",
                    profile.monthlyActiveUsers(), key, false, null);
        }

        // WAF: each web ACL and its rules by the month, and every request it inspects: those of the APIs whose
        // stages it is associated with (all routes' requests, blocked ones included)
        double apiRequests = model.routes().stream().mapToDouble(r -> profile.routeRequests(r.key())).sum();
        for (String id : t.ofType("AWS::WAFv2::WebACL")) {
            int rules = t.properties(id).path("Rules").size();
            b.line(t.name(id), "WAF", "web ACL", 1, "waf.webacl", true, null);
            b.line(t.name(id), "WAF", "rules", rules, "waf.rule", true, null);
            b.line(t.name(id), "WAF", "requests inspected", apiRequests, "waf.requests", false,
                    "every API request of the stage, as the profile gives them");
        }

        // Secrets Manager: each secret by the month (its API calls, a few per smoke run, are not modelled)
        for (String id : t.ofType("AWS::SecretsManager::Secret")) {
            b.line(t.name(id), "Secrets Manager", "secret", 1, "secretsmanager.secret", true, null);
        }

        double traced = apiTraces + functionTraces;
        if (traced > 0 || model.functions().values().stream().anyMatch(AppModel.Function::tracing)) {
            b.line("X-Ray", "X-Ray", "traces recorded (" + Money.quantity(profile.xrayReservoirPerSecond())
                    + "/s, then " + Math.round(profile.xrayRate() * 100) + "% sampled)",
                    sampled(traced, profile), "xray.traces", false, null);
        }

        Set<String> priced = Set.of("AWS::Lambda::Function", "AWS::ApiGateway::RestApi", "AWS::DynamoDB::Table",
                "AWS::SQS::Queue", "AWS::SNS::Topic", "AWS::CloudWatch::Alarm", "AWS::CloudWatch::Dashboard",
                "AWS::Logs::LogGroup", "AWS::KMS::Key", "AWS::Cognito::UserPool", "AWS::WAFv2::WebACL",
                "AWS::SecretsManager::Secret");
        for (String id : t.resources().keySet()) {
            String type = t.type(id);
            if (NO_CHARGE.contains(type)) {
                noCharge.merge(type.replace("AWS::", ""), 1, Integer::sum);
            } else if (!priced.contains(type)) {
                notPriced.add(new NotPriced(t.name(id), type, "no price for " + type + " in the price table"));
            }
        }
        return new Estimate(region, lines, notPriced, noCharge, new ArrayList<>(used.values()));
    }

    /**
     * Invocations a month from the template's EventBridge schedules ({@code rate(N minutes|hours|days)}) that target
     * the function (or its alias): fixed by the template, the same in every stage, not scaled by the profile.
     */
    static double scheduledInvocations(AppModel model, String functionId) {
        Template t = model.template();
        double invocations = 0;
        for (String id : t.ofType("AWS::Events::Rule")) {
            JsonNode p = t.properties(id);
            java.util.regex.Matcher rate = java.util.regex.Pattern.compile("rate\\((\\d+) (minute|hour|day)s?\\)")
                    .matcher(p.path("ScheduleExpression").asText());
            if (!rate.matches() || !"ENABLED".equals(p.path("State").asText("ENABLED"))) {
                continue;
            }
            double minutes = Double.parseDouble(rate.group(1)) * switch (rate.group(2)) {
                case "minute" -> 1;
                case "hour" -> 60;
                default -> 1440;
            };
            for (JsonNode target : p.path("Targets")) {
                if (model.functionOf(target.path("Arn")).filter(functionId::equals).isPresent()) {
                    invocations += SECONDS_PER_MONTH / 60 / minutes;
                }
            }
        }
        return invocations;
    }

    /** X-Ray's default sampling: the first request each second (the reservoir), then a fixed rate of the rest. */
    static double sampled(double requests, Profile profile) {
        double reservoir = profile.xrayReservoirPerSecond() * SECONDS_PER_MONTH;
        return Math.min(requests, reservoir) + profile.xrayRate() * Math.max(requests - reservoir, 0);
    }

    private static void accumulate(Map<String, double[]> tableUnits, Map<String, Double> queueRequests,
            Profile profile, String section, String name, double count) {
        profile.dynamodb(section, name).forEach((table, units) -> {
            double[] total = tableUnits.computeIfAbsent(table, k -> new double[2]);
            total[0] += count * units[0];
            total[1] += count * units[1];
        });
        profile.sqs(section, name).forEach((queue, n) -> queueRequests.merge(queue, count * n, Double::sum));
    }

    /** The always-on alternative's monthly cost, from the price table. */
    public Optional<Double> alwaysOn(Profile profile, String region) {
        JsonNode alt = profile.alwaysOn();
        if (alt.isMissingNode() || !alt.has("items")) {
            return Optional.empty();
        }
        double total = 0;
        for (JsonNode item : alt.path("items")) {
            Optional<Price> price = prices.get(region, item.path("price").asText());
            if (price.isEmpty()) {
                return Optional.empty();
            }
            total += price.get().cost(item.path("quantity").asDouble());
        }
        return Optional.of(total);
    }

    private final class Builder {
        private final String region;
        private final List<Line> lines;
        private final List<NotPriced> notPriced;
        private final Map<String, Price> used;

        Builder(String region, List<Line> lines, List<NotPriced> notPriced, Map<String, Price> used) {
            this.region = region;
            this.lines = lines;
            this.notPriced = notPriced;
            this.used = used;
        }

        void line(String resource, String service, String driver, double quantity, String priceKey, boolean fixed,
                String note) {
            Optional<Price> price = prices.get(region, priceKey);
            if (price.isEmpty()) {
                notPriced.add(new NotPriced(resource, service, "no price for " + priceKey + " in " + region));
                return;
            }
            used.putIfAbsent(priceKey, price.get());
            lines.add(new Line(resource, service, driver, quantity, price.get(), fixed, note));
        }
    }
}
