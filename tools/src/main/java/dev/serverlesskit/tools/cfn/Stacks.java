package dev.serverlesskit.tools.cfn;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The stacks of one side of a review, from a cloud assembly ({@code cdk.out}, nested stage assemblies included) or
 * from a directory of templates named like the snapshots ({@code <stage>-<Stack>.template.json}, {@code tools-} for a
 * stack outside any stage): the committed snapshots of a revision, or templates fetched from a deployed account.
 */
public final class Stacks {
    private final Map<String, StackTemplate> byKey;
    private final boolean assembly;
    private final Path source;

    private Stacks(Map<String, StackTemplate> byKey, boolean assembly, Path source) {
        this.byKey = byKey;
        this.assembly = assembly;
        this.source = source;
    }

    public static Stacks load(Path dir) {
        if (Files.isRegularFile(dir.resolve("manifest.json"))) {
            Map<String, StackTemplate> stacks = new LinkedHashMap<>();
            readAssembly(dir, stacks);
            return new Stacks(stacks, true, dir);
        }
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + " is neither a cloud assembly (manifest.json) nor a directory of"
                    + " templates");
        }
        Map<String, StackTemplate> stacks = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                if (!name.endsWith(".template.json") || !name.contains("-")) {
                    continue;
                }
                String base = name.substring(0, name.length() - ".template.json".length());
                String stage = base.substring(0, base.indexOf('-'));
                String id = base.substring(base.indexOf('-') + 1);
                String key = stage.equals("tools") ? id : stage + "/" + id;
                JsonNode raw = Json.read(file);
                stacks.put(key, stack(key, stage, raw, null, null, null, null, Map.of()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Stacks(stacks, false, dir);
    }

    /** No stacks: the side of a stage that is not deployed yet. */
    public static Stacks empty() {
        return new Stacks(new LinkedHashMap<>(), false, null);
    }

    public static Stacks of(List<StackTemplate> stacks) {
        Map<String, StackTemplate> map = new LinkedHashMap<>();
        stacks.forEach(s -> map.put(s.key(), s));
        return new Stacks(map, false, null);
    }

    public static StackTemplate stack(String key, String stage, JsonNode raw, String stackName, String account,
            String region, String lookupRole, Map<String, Path> assets) {
        JsonNode canonical = Json.parse(Canonical.of(raw.toString()));
        return new StackTemplate(key, stage, raw, canonical, stackName, account, region, lookupRole, assets);
    }

    public Map<String, StackTemplate> byKey() {
        return Collections.unmodifiableMap(byKey);
    }

    public boolean isAssembly() {
        return assembly;
    }

    public Path source() {
        return source;
    }

    /** The stages, in delivery order: dev, test, staging, prod, others by name, then tools (the pipeline). */
    public List<String> stages() {
        List<String> stages = new ArrayList<>();
        byKey.values().forEach(s -> {
            if (!stages.contains(s.stage())) {
                stages.add(s.stage());
            }
        });
        stages.sort(STAGE_ORDER);
        return stages;
    }

    private static final List<String> KNOWN = List.of("dev", "test", "qa", "staging", "preprod", "prod",
            "production");

    /** Delivery order for stage names. */
    public static final java.util.Comparator<String> STAGE_ORDER = java.util.Comparator
            .<String>comparingInt(s -> s.equals("tools") ? 2 : KNOWN.contains(s) ? 0 : 1)
            .thenComparingInt(s -> KNOWN.contains(s) ? KNOWN.indexOf(s) : 0)
            .thenComparing(s -> s);

    public List<StackTemplate> ofStage(String stage) {
        return byKey.values().stream().filter(s -> s.stage().equals(stage)).toList();
    }

    public Stacks onlyStage(String stage) {
        Map<String, StackTemplate> map = new LinkedHashMap<>();
        byKey.forEach((k, s) -> {
            if (s.stage().equals(stage)) {
                map.put(k, s);
            }
        });
        return new Stacks(map, assembly, source);
    }

    private static void readAssembly(Path dir, Map<String, StackTemplate> stacks) {
        JsonNode manifest = Json.read(dir.resolve("manifest.json"));
        manifest.path("artifacts").fields().forEachRemaining(e -> {
            JsonNode artifact = e.getValue();
            String type = artifact.path("type").asText();
            JsonNode props = artifact.path("properties");
            if (type.equals("cdk:cloud-assembly")) {
                readAssembly(dir.resolve(props.path("directoryName").asText()), stacks);
            } else if (type.equals("aws:cloudformation:stack")) {
                String key = artifact.path("displayName").asText(e.getKey());
                String stage = key.contains("/") ? key.substring(0, key.indexOf('/')) : "tools";
                JsonNode raw = Json.read(dir.resolve(props.path("templateFile").asText()));
                String[] env = artifact.path("environment").asText("").replace("aws://", "").split("/");
                String account = env.length == 2 && env[0].matches("\\d{12}") ? env[0] : null;
                String region = env.length == 2 && !env[1].startsWith("unknown") ? env[1] : null;
                String lookupRole = props.path("lookupRole").path("arn").asText(null);
                stacks.put(key, stack(key, stage, raw, props.path("stackName").asText(null), account, region,
                        lookupRole, assets(dir, artifact, manifest)));
            }
        });
    }

    /** The stack's file and directory assets by hash, from its asset manifest. */
    private static Map<String, Path> assets(Path dir, JsonNode stackArtifact, JsonNode manifest) {
        Map<String, Path> assets = new LinkedHashMap<>();
        for (JsonNode dependency : stackArtifact.path("dependencies")) {
            JsonNode artifact = manifest.path("artifacts").path(dependency.asText());
            if (!artifact.path("type").asText().equals("cdk:asset-manifest")) {
                continue;
            }
            JsonNode assetManifest = Json.read(dir.resolve(artifact.path("properties").path("file").asText()));
            assetManifest.path("files").fields().forEachRemaining(f -> {
                JsonNode source = f.getValue().path("source");
                if (source.has("path")) {
                    assets.put(f.getKey(), dir.resolve(source.path("path").asText()).normalize());
                }
            });
        }
        return assets;
    }
}
