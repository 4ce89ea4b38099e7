package dev.serverlesskit.local;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of API Gateway's Velocity mapping templates that CORS preflight responses use (the construct library's
 * and aws-cdk-lib's): a variable set from a request header, {@code #if} on {@code ==} comparisons joined by
 * {@code ||}, and {@code $context.responseOverride.header.*} set from a variable. Any other directive fails loudly:
 * the local runtime does not pretend to run templates it cannot.
 */
final class MockTemplate {
    private static final Pattern SET_FROM_HEADER = Pattern.compile(
            "#set\\(\\$(\\w+) = \\$input\\.params\\(\\)\\.header\\.get\\(\"([^\"]*)\"\\)\\)");
    private static final Pattern SET_HEADER = Pattern.compile(
            "#set\\(\\$context\\.responseOverride\\.header\\.([\\w-]+) = \\$(\\w+)\\)");
    private static final Pattern IF = Pattern.compile("#if\\((.*)\\)");
    private static final Pattern COMPARISON = Pattern.compile("\\$(\\w+) == \"([^\"]*)\"");

    private MockTemplate() {
    }

    /** The response headers a template overrides; {@code header} gives a request header by exact name, or null. */
    static Map<String, String> headerOverrides(String template, UnaryOperator<String> header) {
        Map<String, String> variables = new HashMap<>();
        Map<String, String> overrides = new LinkedHashMap<>();
        Deque<Boolean> active = new ArrayDeque<>();
        active.push(true);
        for (String raw : template.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            Matcher m;
            if ((m = IF.matcher(line)).matches()) {
                active.push(active.peek() && condition(m.group(1), variables, line));
            } else if (line.equals("#end")) {
                if (active.size() == 1) {
                    throw unsupported(line);
                }
                active.pop();
            } else if (!active.peek()) {
                continue;
            } else if ((m = SET_FROM_HEADER.matcher(line)).matches()) {
                String value = header.apply(m.group(2));
                variables.put(m.group(1), value == null ? "" : value);
            } else if ((m = SET_HEADER.matcher(line)).matches()) {
                overrides.put(m.group(1), variables.getOrDefault(m.group(2), ""));
            } else {
                throw unsupported(line);
            }
        }
        return overrides;
    }

    private static boolean condition(String expression, Map<String, String> variables, String line) {
        for (String term : expression.split("\\|\\|")) {
            Matcher m = COMPARISON.matcher(term.strip());
            if (!m.matches()) {
                throw unsupported(line);
            }
            if (variables.getOrDefault(m.group(1), "").equals(m.group(2))) {
                return true;
            }
        }
        return false;
    }

    private static IllegalStateException unsupported(String line) {
        return new IllegalStateException("The local runtime cannot evaluate this mapping template line: " + line);
    }
}
