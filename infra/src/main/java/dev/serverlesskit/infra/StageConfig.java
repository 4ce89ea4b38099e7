package dev.serverlesskit.infra;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import dev.serverlesskit.constructs.TrafficShifting;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.cognito.Mfa;
import software.amazon.awscdk.services.logs.RetentionDays;

/**
 * The settings of one deployment stage, read from the {@value #CONTEXT_KEY} context of {@code cdk.json}.
 * A missing or malformed value fails synthesis with a message naming the stage and the key.
 *
 * @param name                     stage name, also the CDK Stage id ({@code dev}, {@code staging}, {@code prod})
 * @param account                  12-digit AWS account id
 * @param region                   AWS region
 * @param retainData               RETAIN plus deletion protection for tables, user pool, logs and keys
 * @param terminationProtection    CloudFormation termination protection on the stage's stacks
 * @param logRetention             retention of every log group
 * @param alarmEmails              addresses subscribed to the alarm topic
 * @param paging                   whether alarms notify (false: alarms evaluate, actions disabled)
 * @param mfa                      user pool MFA
 * @param allowPasswordAuth        whether the app client accepts USER_PASSWORD_AUTH (CLI walk-through, tests)
 * @param snapStart                SnapStart on the functions
 * @param apiConcurrency           reserved concurrency of each API function
 * @param processorConcurrency     reserved concurrency of the click processor
 * @param apiRateLimit             stage-wide requests per second
 * @param apiBurstLimit            stage-wide burst
 * @param clicksRateLimit          requests per second on POST /clicks
 * @param clicksBurstLimit         burst on POST /clicks
 * @param clientRateLimit          requests one client (source IP) may send in 5 minutes before the API answers 429
 * @param corsAllowOrigins         browser origins allowed by CORS
 * @param deployment               how CodeDeploy shifts traffic to each function's new version
 */
public record StageConfig(
        String name,
        String account,
        String region,
        boolean retainData,
        boolean terminationProtection,
        RetentionDays logRetention,
        List<String> alarmEmails,
        boolean paging,
        Mfa mfa,
        boolean allowPasswordAuth,
        boolean snapStart,
        int apiConcurrency,
        int processorConcurrency,
        int apiRateLimit,
        int apiBurstLimit,
        int clicksRateLimit,
        int clicksBurstLimit,
        int clientRateLimit,
        List<String> corsAllowOrigins,
        TrafficShifting deployment) {

    /** The cdk.json context key holding the stages, by name. */
    public static final String CONTEXT_KEY = "serverlesskit:stages";

    /** The stage the pipeline releases last, behind its checks and a manual approval. */
    public static final String PROD = "prod";

    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d");
    private static final Pattern STAGE_NAME = Pattern.compile("[a-z][a-z0-9-]{0,19}");
    private static final Set<String> KEYS = Set.of("account", "region", "retainData", "terminationProtection",
            "logRetentionDays", "alarmEmails", "paging", "mfa", "allowPasswordAuth", "snapStart", "apiConcurrency",
            "processorConcurrency", "apiRateLimit", "apiBurstLimit", "clicksRateLimit", "clicksBurstLimit",
            "clientRateLimit", "corsAllowOrigins", "deployment");
    private static final Set<String> DEPLOYMENT_KEYS = Set.of("type", "percent", "intervalMinutes");
    private static final Map<Integer, RetentionDays> RETENTION = Map.ofEntries(
            Map.entry(1, RetentionDays.ONE_DAY), Map.entry(3, RetentionDays.THREE_DAYS),
            Map.entry(5, RetentionDays.FIVE_DAYS), Map.entry(7, RetentionDays.ONE_WEEK),
            Map.entry(14, RetentionDays.TWO_WEEKS), Map.entry(30, RetentionDays.ONE_MONTH),
            Map.entry(60, RetentionDays.TWO_MONTHS), Map.entry(90, RetentionDays.THREE_MONTHS),
            Map.entry(120, RetentionDays.FOUR_MONTHS), Map.entry(150, RetentionDays.FIVE_MONTHS),
            Map.entry(180, RetentionDays.SIX_MONTHS), Map.entry(365, RetentionDays.ONE_YEAR),
            Map.entry(400, RetentionDays.THIRTEEN_MONTHS), Map.entry(545, RetentionDays.EIGHTEEN_MONTHS),
            Map.entry(731, RetentionDays.TWO_YEARS), Map.entry(1096, RetentionDays.THREE_YEARS),
            Map.entry(1827, RetentionDays.FIVE_YEARS), Map.entry(2192, RetentionDays.SIX_YEARS),
            Map.entry(2557, RetentionDays.SEVEN_YEARS), Map.entry(2922, RetentionDays.EIGHT_YEARS),
            Map.entry(3288, RetentionDays.NINE_YEARS), Map.entry(3653, RetentionDays.TEN_YEARS));

    /** The removal policy of stateful resources. */
    public RemovalPolicy removalPolicy() {
        return retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    }

    /** Parses every stage of the context value, in declaration order. */
    public static List<StageConfig> parseAll(Object contextValue) {
        if (!(contextValue instanceof Map<?, ?> stages) || stages.isEmpty()) {
            throw new StageConfigException("cdk.json context '" + CONTEXT_KEY
                    + "' must be an object of stages by name, e.g. {\"dev\": {...}} (got " + describe(contextValue) + ")");
        }
        List<StageConfig> result = new ArrayList<>();
        for (Map.Entry<?, ?> entry : stages.entrySet()) {
            result.add(parse(String.valueOf(entry.getKey()), entry.getValue()));
        }
        checkProdIsLast(result.stream().map(StageConfig::name).toList());
        return result;
    }

    /**
     * The pipeline deploys the stages in the order cdk.json lists them and releases the one named {@value #PROD}
     * behind its security check, review and approval (every other stage gets smoke tests and no approval): a stage
     * listed after prod, or a key order changed by a JSON formatter that sorts keys (dev, prod, staging), would
     * release prod before the stages meant to test the change.
     */
    private static void checkProdIsLast(List<String> names) {
        if (!names.contains(PROD)) {
            throw new StageConfigException("cdk.json context '" + CONTEXT_KEY + "' has no stage named '" + PROD
                    + "' (got " + names + "): the pipeline releases the stage named '" + PROD + "', last, behind"
                    + " its security check, review and manual approval");
        }
        if (!names.get(names.size() - 1).equals(PROD)) {
            throw new StageConfigException("cdk.json context '" + CONTEXT_KEY + "': '" + PROD + "' must be the"
                    + " last stage, since the pipeline deploys the stages in the order they are listed (got "
                    + names + ")");
        }
    }

    /** Parses one stage. */
    public static StageConfig parse(String name, Object value) {
        Reader r = new Reader(name, value);
        if (!STAGE_NAME.matcher(name).matches()) {
            throw new StageConfigException("stage '" + name + "': the stage name must be lower case letters,"
                    + " digits and dashes, starting with a letter");
        }
        r.rejectUnknownKeys(); // first: a misspelt key is named as such, not as the key it was meant to be
        StageConfig config = new StageConfig(
                name,
                r.string("account", ACCOUNT, "a 12-digit AWS account id"),
                r.string("region", REGION, "an AWS region such as eu-west-1"),
                r.bool("retainData"),
                r.bool("terminationProtection"),
                r.retention("logRetentionDays"),
                r.strings("alarmEmails", Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+"), "email addresses"),
                r.bool("paging"),
                r.mfa("mfa"),
                r.bool("allowPasswordAuth"),
                r.bool("snapStart"),
                r.positiveInt("apiConcurrency", 1000),
                r.positiveInt("processorConcurrency", 1000),
                r.positiveInt("apiRateLimit", 10000),
                r.positiveInt("apiBurstLimit", 5000),
                r.positiveInt("clicksRateLimit", 10000),
                r.positiveInt("clicksBurstLimit", 5000),
                r.intBetween("clientRateLimit", 10, 2_000_000_000), // AWS WAF's range
                r.strings("corsAllowOrigins", Pattern.compile("https?://[A-Za-z0-9.-]+(:\\d+)?"), "origins like https://app.example.com"),
                r.deployment("deployment"));
        if (name.equals(PROD) && !(config.retainData() && config.terminationProtection())) {
            throw new StageConfigException("stage '" + name + "': 'retainData' and 'terminationProtection' must be"
                    + " true: prod's tables, user pool and keys are kept when a resource is replaced or the stack"
                    + " deleted, and the stack cannot be deleted by mistake");
        }
        if (config.paging() && config.alarmEmails().isEmpty()) {
            throw new StageConfigException("stage '" + name + "': 'paging' is true but 'alarmEmails' is empty:"
                    + " alarms would page nobody");
        }
        return config;
    }

    private static String describe(Object value) {
        return value == null ? "nothing" : value.getClass().getSimpleName() + " " + value;
    }

    /** Reads typed values out of one stage's JSON object, naming the stage and the key in every error. */
    private static final class Reader {
        private final String stage;
        private final Map<String, Object> values = new LinkedHashMap<>();

        Reader(String stage, Object value) {
            this.stage = stage;
            if (!(value instanceof Map<?, ?> map)) {
                throw new StageConfigException("stage '" + stage + "' must be an object (got " + describe(value) + ")");
            }
            map.forEach((k, v) -> values.put(String.valueOf(k), v));
        }

        private Object required(String key) {
            Object v = values.get(key);
            if (v == null) {
                throw new StageConfigException("stage '" + stage + "': '" + key + "' is missing");
            }
            return v;
        }

        private StageConfigException bad(String key, String expected, Object got) {
            return new StageConfigException("stage '" + stage + "': '" + key + "' must be " + expected
                    + " (got " + describe(got) + ")");
        }

        String string(String key, Pattern pattern, String expected) {
            Object v = required(key);
            if (!(v instanceof String s) || !pattern.matcher(s).matches()) {
                throw bad(key, expected, v);
            }
            return s;
        }

        boolean bool(String key) {
            Object v = required(key);
            if (!(v instanceof Boolean b)) {
                throw bad(key, "true or false", v);
            }
            return b;
        }

        int positiveInt(String key, int max) {
            return intBetween(key, 1, max);
        }

        int intBetween(String key, int min, int max) {
            Object v = required(key);
            if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
                    || n.doubleValue() < min || n.doubleValue() > max) {
                throw bad(key, "a whole number from " + min + " to " + max, v);
            }
            return n.intValue();
        }

        RetentionDays retention(String key) {
            Object v = required(key);
            RetentionDays days = v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                    ? RETENTION.get(n.intValue()) : null;
            if (days == null) {
                throw bad(key, "one of CloudWatch's retention periods in days " + new TreeSet<>(RETENTION.keySet()), v);
            }
            return days;
        }

        Mfa mfa(String key) {
            Object v = required(key);
            if ("optional".equals(v)) {
                return Mfa.OPTIONAL;
            }
            if ("required".equals(v)) {
                return Mfa.REQUIRED;
            }
            throw bad(key, "\"optional\" or \"required\"", v);
        }

        /**
         * {@code {"type": "all-at-once"}}, or {@code {"type": "canary" | "linear", "percent": 1-99,
         * "intervalMinutes": 1-2880}}.
         */
        TrafficShifting deployment(String key) {
            Object v = required(key);
            String expected = "{\"type\": \"all-at-once\"} or {\"type\": \"canary\" or \"linear\","
                    + " \"percent\": 1-99, \"intervalMinutes\": 1-2880}";
            if (!(v instanceof Map<?, ?> map)) {
                throw bad(key, expected, v);
            }
            for (Object k : map.keySet()) {
                if (!DEPLOYMENT_KEYS.contains(String.valueOf(k))) {
                    throw new StageConfigException("stage '" + stage + "': unknown key '" + key + "." + k
                            + "' (known keys: " + new TreeSet<>(DEPLOYMENT_KEYS) + ")");
                }
            }
            Object type = map.get("type");
            if ("all-at-once".equals(type)) {
                if (map.size() > 1) {
                    throw new StageConfigException("stage '" + stage + "': '" + key + "' of type all-at-once takes"
                            + " no percent or intervalMinutes (got " + describe(v) + ")");
                }
                return TrafficShifting.allAtOnce();
            }
            if (!"canary".equals(type) && !"linear".equals(type)) {
                throw bad(key + ".type", "\"all-at-once\", \"canary\" or \"linear\"", type);
            }
            int percent = wholeNumber(key + ".percent", map.get("percent"), 1, 99);
            int minutes = wholeNumber(key + ".intervalMinutes", map.get("intervalMinutes"), 1, 2880);
            return "canary".equals(type) ? TrafficShifting.canary(percent, Duration.minutes(minutes))
                    : TrafficShifting.linear(percent, Duration.minutes(minutes));
        }

        private int wholeNumber(String key, Object v, int min, int max) {
            if (v == null) {
                throw new StageConfigException("stage '" + stage + "': '" + key + "' is missing");
            }
            if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
                    || n.intValue() < min || n.intValue() > max) {
                throw bad(key, "a whole number from " + min + " to " + max, v);
            }
            return n.intValue();
        }

        List<String> strings(String key, Pattern pattern, String expected) {
            Object v = required(key);
            if (!(v instanceof List<?> list)) {
                throw bad(key, "a list of " + expected, v);
            }
            List<String> result = new ArrayList<>();
            for (Object item : list) {
                if (!(item instanceof String s) || !pattern.matcher(s).matches()) {
                    throw bad(key, "a list of " + expected, item);
                }
                if (result.contains(s)) {
                    throw new StageConfigException("stage '" + stage + "': '" + key + "' lists " + s + " twice");
                }
                result.add(s);
            }
            return List.copyOf(result);
        }

        void rejectUnknownKeys() {
            for (String key : values.keySet()) {
                if (!KEYS.contains(key)) {
                    throw new StageConfigException("stage '" + stage + "': unknown key '" + key + "' (known keys: "
                            + new TreeSet<>(KEYS) + ")");
                }
            }
        }
    }

    /** A stage configuration error; its message names the stage and the key. */
    public static final class StageConfigException extends IllegalArgumentException {
        public StageConfigException(String message) {
            super(message);
        }
    }
}
