package dev.serverlesskit.tools.cfn;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;

/**
 * One stack of one side of a review.
 *
 * @param key        the stack's construct path, "dev/ServerlessKit" or "Pipeline"
 * @param stage      "dev", "staging", "prod"; "tools" for a stack outside any stage (the pipeline)
 * @param raw        the template as read (real asset hashes in a synthesis, placeholders in a snapshot)
 * @param canonical  the template with asset hashes and placeholders made comparable ({@link Canonical})
 * @param stackName  the deployed stack's name when known (from the assembly), else null
 * @param account    the stack's account when known, else null
 * @param region     the stack's region when known, else null
 * @param lookupRole the role that may read the deployed stack (from the assembly), else null
 * @param assets     the file assets of a synthesis by hash (the function jars), empty for snapshots
 */
public record StackTemplate(String key, String stage, JsonNode raw, JsonNode canonical, String stackName,
        String account, String region, String lookupRole, Map<String, Path> assets) {

    /** The snapshot file name of this stack: "dev-ServerlessKit.template.json", "tools-Pipeline.template.json". */
    public String snapshotName() {
        String id = key.contains("/") ? key.substring(key.lastIndexOf('/') + 1) : key;
        return stage + "-" + id + ".template.json";
    }

    public Template template() {
        return new Template(canonical, key, account);
    }

    /** The region: from the assembly, else from the template's literal ARNs. */
    public String regionOrInferred() {
        if (region != null) {
            return region;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("arn:aws:[a-z0-9-]+:([a-z]{2}-[a-z]+-\\d):")
                .matcher(raw.toString());
        return m.find() ? m.group(1) : null;
    }
}
