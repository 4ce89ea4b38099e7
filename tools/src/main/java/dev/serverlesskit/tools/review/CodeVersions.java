package dev.serverlesskit.tools.review;

import com.fasterxml.jackson.databind.JsonNode;
import dev.serverlesskit.tools.cfn.StackTemplate;
import dev.serverlesskit.tools.cfn.Template;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Which functions get new code (and so a new published version) between two sides. A function's code is its jar
 * asset, named by the jar's content hash; the snapshots replace those hashes by placeholders, so:
 * <ul>
 *   <li>two synthesized assemblies: the functions whose asset hash differs. Exact.</li>
 *   <li>a committed snapshot against a synthesis: the head's jars are read, and a function's jar is counted as changed
 *       when a file changed since the base revision ends up in it: a source under {@code src/main/java} whose class
 *       (or a class of its package, for an added or deleted file) is in the jar, a resource under
 *       {@code src/main/resources} that is in the jar, or a build file ({@code pom.xml}, {@code .mvn/}), which may
 *       change any jar. The jars are reproducible (same sources, same bytes), so no such change means the same
 *       hash; a listed function may still get identical bytes (a comment-only edit on the same lines), never the
 *       other way round.</li>
 *   <li>neither: unknown, and the report says so.</li>
 * </ul>
 */
public final class CodeVersions {
    private static final Pattern HASH = Pattern.compile("(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])");
    private static final Pattern PLACEHOLDER = Pattern.compile("<asset-(\\d+)>");

    /**
     * @param functions the functions with new code, by name
     * @param exact     true when read from two asset hashes, false when derived from changed files
     * @param evidence  why, one line per jar ("lambdas/src/main/java/.../GetPetHandler.java changed")
     * @param unknown   why it cannot tell (the changed files were not given, an asset is missing), else null
     */
    public record Result(List<String> functions, boolean exact, List<String> evidence, String unknown) {
        public static Result none() {
            return new Result(List.of(), true, List.of(), null);
        }
    }

    /** A file changed since the base revision: {@code status} as git prints it (A, M, D), M when not known. */
    public record ChangedFile(char status, String path) {
        /**
         * Parses {@code git diff --name-status} lines ("M\tpath", "R100\told\tnew" as a deletion and an addition) or
         * plain paths.
         */
        public static List<ChangedFile> parse(List<String> lines) {
            List<ChangedFile> files = new ArrayList<>();
            for (String line : lines) {
                if (line.isBlank()) {
                    continue;
                }
                String[] parts = line.split("\t");
                if (parts.length == 1) {
                    files.add(new ChangedFile('M', parts[0].strip()));
                } else if ((parts[0].startsWith("R") || parts[0].startsWith("C")) && parts.length == 3) {
                    if (parts[0].startsWith("R")) {
                        files.add(new ChangedFile('D', parts[1]));
                    }
                    files.add(new ChangedFile('A', parts[2]));
                } else {
                    files.add(new ChangedFile(parts[0].charAt(0), parts[1]));
                }
            }
            return files;
        }
    }

    private final List<ChangedFile> changedFiles;
    private final Map<Path, Set<String>> jarEntries = new HashMap<>();

    /** @param changedFiles the repository's files changed since the base revision, or null when not known */
    public CodeVersions(List<ChangedFile> changedFiles) {
        this.changedFiles = changedFiles;
    }

    public Result compare(StackTemplate base, StackTemplate head) {
        Template headTemplate = head.template();
        Map<String, String> baseCode = code(base);
        Map<String, String> headCode = code(head);
        Set<String> moved = moved(baseCode, headCode);
        List<String> changed = new ArrayList<>();
        Map<String, Set<String>> evidence = new LinkedHashMap<>();
        boolean exact = true;
        String unknown = null;
        for (Map.Entry<String, String> e : headCode.entrySet()) {
            String id = e.getKey();
            String before = baseCode.get(id);
            String after = e.getValue();
            if (before == null) {
                continue;
            }
            String name = headTemplate.name(id);
            boolean beforeHash = HASH.matcher(before).find();
            boolean afterHash = HASH.matcher(after).find();
            if (beforeHash && afterHash || !before.contains("<asset") && !after.contains("<asset")) {
                if (!before.equals(after)) {
                    changed.add(name);
                    evidence.computeIfAbsent("the code asset's hash changed", k -> new TreeSet<>());
                }
                continue;
            }
            exact = false;
            if (moved.contains(id)) {
                changed.add(name);
                evidence.computeIfAbsent("a function moved to another jar", k -> new TreeSet<>());
                continue;
            }
            if (noBuildInputChanged()) {
                continue;
            }
            Matcher m = HASH.matcher(after);
            Path jar = m.find() ? head.assets().get(m.group()) : null;
            if (changedFiles == null) {
                unknown = "the base is a snapshot (no code hashes) and the changed files are not known";
                continue;
            }
            if (jar == null || !Files.exists(jar)) {
                unknown = "the code of " + name + " is not in the assembly";
                continue;
            }
            Set<String> reasons = reasons(jar);
            if (!reasons.isEmpty()) {
                changed.add(name);
                evidence.computeIfAbsent(jar.getFileName().toString(), k -> new TreeSet<>()).addAll(reasons);
            }
        }
        List<String> lines = new ArrayList<>();
        evidence.forEach((jar, files) -> lines.add(files.isEmpty() ? jar : jar + " contains changed "
                + String.join(", ", files)));
        return new Result(changed, exact, lines, changed.isEmpty() ? unknown : null);
    }

    /**
     * The functions whose code is another jar than before. A snapshot numbers its jars in order of first appearance,
     * so its placeholders are not compared with the other side's; instead each of the base's jars is matched with the
     * jar most of its functions use in the head, and a function that uses another one moved (when two base jars match
     * the same head jar, the functions of the smaller one moved into it).
     */
    private static Set<String> moved(Map<String, String> baseCode, Map<String, String> headCode) {
        Map<String, Map<String, Integer>> votes = new LinkedHashMap<>();
        baseCode.forEach((id, c) -> {
            if (headCode.containsKey(id)) {
                votes.computeIfAbsent(asset(c), k -> new LinkedHashMap<>()).merge(asset(headCode.get(id)), 1,
                        Integer::sum);
            }
        });
        Map<String, String> match = new LinkedHashMap<>();
        votes.forEach((base, counts) -> match.put(base, counts.entrySet().stream()
                .max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null)));
        Map<String, String> owner = new LinkedHashMap<>();
        votes.forEach((base, counts) -> {
            String head = match.get(base);
            int size = counts.values().stream().mapToInt(Integer::intValue).sum();
            String current = owner.get(head);
            if (current == null || size > votes.get(current).values().stream().mapToInt(Integer::intValue).sum()) {
                owner.put(head, base);
            }
        });
        Set<String> moved = new TreeSet<>();
        baseCode.forEach((id, c) -> {
            if (!headCode.containsKey(id)) {
                return;
            }
            String base = asset(c);
            String head = asset(headCode.get(id));
            if (!head.equals(match.get(base)) || !base.equals(owner.get(head))) {
                moved.add(id);
            }
        });
        return moved;
    }

    private static String asset(String code) {
        Matcher h = HASH.matcher(code);
        if (h.find()) {
            return h.group();
        }
        Matcher p = PLACEHOLDER.matcher(code);
        return p.find() ? p.group() : code;
    }

    /** True when the changed files are known and none of them can change a jar (no main source, no build file). */
    private boolean noBuildInputChanged() {
        return changedFiles != null && changedFiles.stream().map(f -> "/" + f.path().replace('\\', '/'))
                .noneMatch(f -> f.contains("/src/main/") || f.endsWith("/pom.xml") || f.startsWith("/.mvn/"));
    }

    /** The changed files that end up in the jar. */
    private Set<String> reasons(Path jar) {
        Set<String> entries = entries(jar);
        Set<String> reasons = new TreeSet<>();
        for (ChangedFile file : changedFiles) {
            String f = "/" + file.path().replace('\\', '/');
            int java = f.indexOf("/src/main/java/");
            int resources = f.indexOf("/src/main/resources/");
            if (java >= 0 && f.endsWith(".java")) {
                String cls = f.substring(java + "/src/main/java/".length(), f.length() - ".java".length());
                String pkg = cls.contains("/") ? cls.substring(0, cls.lastIndexOf('/') + 1) : "";
                // The head's jars are built from the head's sources: a class added or modified is in the jar it
                // belongs to; a deleted one is not any more, so its package stands for it.
                if (entries.contains(cls + ".class")
                        || file.status() == 'D' && !pkg.isEmpty() && entries.contains(pkg)) {
                    reasons.add(file.path());
                }
            } else if (resources >= 0) {
                String entry = f.substring(resources + "/src/main/resources/".length());
                if (entries.contains(entry) || file.status() == 'D') {
                    reasons.add(file.path());
                }
            } else if (f.endsWith("/pom.xml") || f.startsWith("/.mvn/")) {
                reasons.add(file.path());
            } else if (entries.stream().anyMatch(e -> f.endsWith("/" + e))) {
                reasons.add(file.path());
            }
        }
        return reasons;
    }

    private Set<String> entries(Path jar) {
        return jarEntries.computeIfAbsent(jar, j -> {
            Set<String> names = new LinkedHashSet<>();
            if (Files.isDirectory(j)) {
                // A directory asset (CDK Pipelines' own function, a bundled directory): its files by relative path.
                try (java.util.stream.Stream<Path> files = Files.walk(j)) {
                    files.filter(Files::isRegularFile).forEach(f -> names.add(j.relativize(f).toString()
                            .replace('\\', '/')));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + j, e);
                }
                return names;
            }
            try (ZipFile zip = new ZipFile(j.toFile())) {
                zip.stream().map(ZipEntry::getName).forEach(n -> {
                    names.add(n);
                    int slash = n.lastIndexOf('/', n.length() - 2);
                    if (slash > 0) {
                        names.add(n.substring(0, slash + 1));
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + j, e);
            }
            return names;
        });
    }

    /** Each Lambda function's code location (S3 key, inline code, image), as written in the raw template. */
    private static Map<String, String> code(StackTemplate stack) {
        Map<String, String> code = new LinkedHashMap<>();
        stack.raw().path("Resources").fields().forEachRemaining(e -> {
            JsonNode r = e.getValue();
            if (!r.path("Type").asText().equals("AWS::Lambda::Function")) {
                return;
            }
            JsonNode c = r.path("Properties").path("Code");
            code.put(e.getKey(), c.toString());
        });
        return code;
    }

}
