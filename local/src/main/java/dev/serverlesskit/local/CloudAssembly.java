package dev.serverlesskit.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One stage of a cloud assembly ({@code cdk.out}) as {@code cdk synth} wrote it: the stack template of the stage and
 * the file assets the template's {@code Code.S3Key}s name. Nested assemblies ({@code assembly-<stage>}) are how CDK
 * Stages are written; an app without stages has its stacks at the top level.
 *
 * @param assets S3 object key of each file asset (e.g. {@code <hash>.jar}) to its file in the assembly
 */
public record CloudAssembly(Path directory, String stage, String stackName, Path templateFile, JsonNode template,
                            Map<String, Path> assets) {

    public static CloudAssembly load(Path cdkOut, String stage) {
        Path top = cdkOut.toAbsolutePath().normalize();
        Path manifestFile = top.resolve("manifest.json");
        if (!Files.isRegularFile(manifestFile)) {
            throw new IllegalStateException("No cloud assembly at " + top + " (manifest.json missing): run `npx cdk synth`"
                    + " first (after `./mvnw -q package -DskipTests`)");
        }
        JsonNode manifest = Json.read(manifestFile);
        List<String> stages = new ArrayList<>();
        Path dir = null;
        for (var it = manifest.path("artifacts").fields(); it.hasNext(); ) {
            var e = it.next();
            JsonNode a = e.getValue();
            if ("cdk:cloud-assembly".equals(Json.text(a, "type"))) {
                String name = a.path("properties").path("displayName").asText(e.getKey());
                String dirName = a.path("properties").path("directoryName").asText();
                stages.add(name);
                if (name.equals(stage) || dirName.equals("assembly-" + stage)) {
                    dir = top.resolve(dirName);
                }
            }
        }
        if (dir == null && stages.isEmpty()) {
            dir = top; // no CDK Stage: the stacks are at the top
        }
        if (dir == null) {
            throw new IllegalStateException("Stage '" + stage + "' is not in " + top + "; stages there: " + stages);
        }
        JsonNode stageManifest = Json.read(dir.resolve("manifest.json"));
        List<String> stacks = new ArrayList<>();
        String templateFile = null;
        String stackName = null;
        Map<String, Path> assets = new LinkedHashMap<>();
        for (var it = stageManifest.path("artifacts").fields(); it.hasNext(); ) {
            var e = it.next();
            JsonNode a = e.getValue();
            String type = Json.text(a, "type");
            if ("aws:cloudformation:stack".equals(type)) {
                stacks.add(e.getKey());
                templateFile = a.path("properties").path("templateFile").asText();
                stackName = a.path("properties").path("stackName").asText(e.getKey());
            } else if ("cdk:asset-manifest".equals(type)) {
                readAssets(dir, dir.resolve(a.path("properties").path("file").asText()), assets);
            }
        }
        if (stacks.size() != 1) {
            throw new IllegalStateException("Expected one stack in " + dir + ", found " + stacks
                    + ": the local runtime runs one stack per stage");
        }
        Path template = dir.resolve(templateFile);
        return new CloudAssembly(dir, stage, stackName, template, Json.read(template), Map.copyOf(assets));
    }

    private static void readAssets(Path dir, Path file, Map<String, Path> assets) {
        JsonNode files = Json.read(file).path("files");
        for (var it = files.fields(); it.hasNext(); ) {
            var e = it.next();
            Path source = dir.resolve(e.getValue().path("source").path("path").asText()).normalize();
            for (JsonNode dest : e.getValue().path("destinations")) {
                String key = Json.text(dest, "objectKey");
                if (key != null) {
                    assets.put(key, source);
                }
            }
        }
    }

    /** The file of the asset a {@code Code.S3Key} names; fails clearly when the synth did not write it. */
    public Path asset(String s3Key) {
        Path p = assets.get(s3Key);
        if (p == null || !Files.isRegularFile(p)) {
            throw new IllegalStateException("Asset " + s3Key + " is not in " + directory + ": synthesize again");
        }
        return p;
    }
}
