package dev.serverlesskit.test;

import java.util.regex.Pattern;

/**
 * Makes a template independent of the code it deploys: a handler change changes the jar's asset hash (the S3 key)
 * and the logical id of each function's version, and nothing else. Both are replaced by stable placeholders, so
 * a snapshot changes only when the infrastructure does.
 */
public final class SnapshotNormalizer {
    private static final Pattern ASSET_KEY = Pattern.compile("\"[0-9a-f]{64}(\\.[a-z]+)\"");
    private static final Pattern VERSION_ID = Pattern.compile("CurrentVersion[0-9A-F]{8}[0-9a-f]{32}");

    private SnapshotNormalizer() {
    }

    public static String normalize(String template) {
        String result = ASSET_KEY.matcher(template).replaceAll("\"<asset-hash>$1\"");
        return VERSION_ID.matcher(result).replaceAll("CurrentVersion<asset-hash>");
    }
}
