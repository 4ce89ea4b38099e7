package dev.serverlesskit.infra;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Where the delivery pipeline lives and what it builds, read from the {@value #CONTEXT_KEY} context of cdk.json.
 *
 * @param account       the tools account that hosts the pipeline (each stage account trusts it)
 * @param region        the pipeline's region
 * @param repository    the source repository, {@code owner/name}
 * @param branch        the branch that is delivered
 * @param connectionArn the CodeStar Connections ARN that gives the pipeline access to the repository
 */
public record PipelineConfig(String account, String region, String repository, String branch, String connectionArn) {
    public static final String CONTEXT_KEY = "serverlesskit:pipeline";

    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d");
    private static final Pattern REPOSITORY = Pattern.compile("[\\w.-]+/[\\w.-]+");
    private static final Pattern BRANCH = Pattern.compile("[\\w./-]+");
    private static final Pattern CONNECTION = Pattern.compile("arn:aws[\\w-]*:(codestar-connections|codeconnections):[a-z0-9-]+:\\d{12}:connection/[\\w-]+");

    private static final Set<String> KEYS = Set.of("account", "region", "repository", "branch", "connectionArn");

    public static PipelineConfig parse(Object value) {
        if (!(value instanceof Map<?, ?> map)) {
            throw new StageConfig.StageConfigException("cdk.json context '" + CONTEXT_KEY + "' must be an object"
                    + " with account, region, repository, branch and connectionArn");
        }
        for (Object key : map.keySet()) {
            if (!KEYS.contains(String.valueOf(key))) {
                throw new StageConfig.StageConfigException("pipeline: unknown key '" + key + "' (known keys: "
                        + new TreeSet<>(KEYS) + ")");
            }
        }
        return new PipelineConfig(
                get(map, "account", ACCOUNT, "a 12-digit AWS account id"),
                get(map, "region", REGION, "an AWS region such as eu-west-1"),
                get(map, "repository", REPOSITORY, "owner/name"),
                get(map, "branch", BRANCH, "a branch name"),
                get(map, "connectionArn", CONNECTION, "a CodeStar Connections ARN"));
    }

    /**
     * Every stage deploys in the pipeline's region: a stage elsewhere would need CDK Pipelines' cross-region
     * replication buckets and support stacks, which this pipeline does not set up or review.
     */
    public void checkStagesIn(List<StageConfig> stages) {
        for (StageConfig stage : stages) {
            if (!stage.region().equals(region)) {
                throw new StageConfig.StageConfigException("stage '" + stage.name() + "': 'region' " + stage.region()
                        + " is not the pipeline's region " + region + " ('" + CONTEXT_KEY + "'): every stage deploys"
                        + " in the pipeline's region");
            }
        }
    }

    private static String get(Map<?, ?> map, String key, Pattern pattern, String expected) {
        Object v = map.get(key);
        if (v == null) {
            throw new StageConfig.StageConfigException("pipeline: '" + key + "' is missing");
        }
        if (!(v instanceof String s) || !pattern.matcher(s).matches()) {
            throw new StageConfig.StageConfigException("pipeline: '" + key + "' must be " + expected + " (got " + v + ")");
        }
        return s;
    }
}
