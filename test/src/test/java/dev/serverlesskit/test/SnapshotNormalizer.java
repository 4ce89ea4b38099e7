package dev.serverlesskit.test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes a template independent of the code it deploys. A handler change changes its jar's asset hash (in the S3
 * key, and in the pipeline's asset publishing commands) and the logical id of each function's version, and
 * nothing else. Asset hashes become {@code <asset-1>}, {@code <asset-2>}... in order of first appearance, so a
 * function that moves to another jar still shows; version ids become {@code CurrentVersion<asset-hash>}; the
 * pipeline's {@code cdk-assets publish "<hash>:<account>-<region>-<suffix>"} commands keep the account and region
 * but not the suffix, which CDK derives from the destination's object key (the jar's hash again). A snapshot
 * changes only when the infrastructure does. {@code scripts/lib/denormalize.mjs} is the inverse.
 */
public final class SnapshotNormalizer {
    private static final Pattern ASSET_HASH = Pattern.compile("(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])");
    private static final Pattern VERSION_ID = Pattern.compile("CurrentVersion[0-9A-F]{8}[0-9a-f]{32}");
    private static final Pattern DESTINATION_SUFFIX = Pattern.compile("(<asset-\\d+>:\\d{12}-[a-z0-9-]+?)-[0-9a-f]{8}(?=\\\\*\")");

    private SnapshotNormalizer() {
    }

    public static String normalize(String template) {
        Map<String, String> placeholders = new LinkedHashMap<>();
        Matcher hashes = ASSET_HASH.matcher(template);
        StringBuilder result = new StringBuilder();
        while (hashes.find()) {
            String placeholder = placeholders.computeIfAbsent(hashes.group(), h -> "<asset-" + (placeholders.size() + 1) + ">");
            hashes.appendReplacement(result, Matcher.quoteReplacement(placeholder));
        }
        hashes.appendTail(result);
        String normalized = VERSION_ID.matcher(result).replaceAll("CurrentVersion<asset-hash>");
        return DESTINATION_SUFFIX.matcher(normalized).replaceAll("$1-<destination>");
    }
}
