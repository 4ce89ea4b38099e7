package dev.serverlesskit.tools.cfn;

import java.util.regex.Pattern;

/**
 * Makes templates from either side of a review comparable: a synthesized template carries the function jars' asset
 * hashes (in S3 keys, version logical ids and the pipeline's publishing commands), a committed snapshot carries
 * placeholders ({@code <asset-1>}, {@code CurrentVersion<asset-hash>}). Both become the same placeholders here, so
 * that the infrastructure diff shows no code changes; {@link dev.serverlesskit.tools.review.CodeVersions} reports those
 * separately, from the raw templates. Tolerant of the snapshot placeholders' exact spelling.
 */
public final class Canonical {
    private static final Pattern ASSET_HASH = Pattern.compile("(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])");
    private static final Pattern NUMBERED = Pattern.compile("<asset-\\d+>");
    private static final Pattern LEGACY_JAR = Pattern.compile("\"<asset-hash>\\.jar\"");
    private static final Pattern VERSION_ID = Pattern.compile("CurrentVersion[0-9A-F]{8}[0-9a-f]{32}");
    private static final Pattern DESTINATION = Pattern.compile(
            "(<asset>:\\d{12}-[a-z0-9-]+?)-(?:[0-9a-f]{8}|<destination>)(?=\\\\*\")");

    private Canonical() {
    }

    public static String of(String template) {
        String t = VERSION_ID.matcher(template).replaceAll("CurrentVersion<asset-hash>");
        t = ASSET_HASH.matcher(t).replaceAll("<asset>");
        t = NUMBERED.matcher(t).replaceAll("<asset>");
        t = LEGACY_JAR.matcher(t).replaceAll("\"<asset>.jar\"");
        return DESTINATION.matcher(t).replaceAll("$1-<destination>");
    }
}
