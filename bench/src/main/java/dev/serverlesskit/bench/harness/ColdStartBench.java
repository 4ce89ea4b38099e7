package dev.serverlesskit.bench.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serverlesskit.local.FunctionHost;
import dev.serverlesskit.local.LocalRuntime;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Cold start, locally: every function of a synthesized stage, from its own asset jar and with its own environment
 * (the local runtime provisions the tables and queues and resolves the environment as Lambda would), started in a
 * fresh JVM with the Lambda Java runtime's flags until its first response; against an SDK floor handler (the same
 * SDK client, same explicit settings, one call) and a bare hello world measured in the same run, interleaved.
 *
 * <p>Args: {@code --cdk-out DIR --project-dir DIR --runner-jar JAR --floor-jar JAR [--stage dev] [--runs 5]
 * [--no-prime]}.
 */
public final class ColdStartBench {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One thing to cold-start: handler, class path, environment and event. */
    record Subject(String name, String handlerClass, List<Path> classpath, Map<String, String> env, String kind,
                   java.util.function.IntFunction<String> arg, String floor, int memoryMb, boolean primes) {
    }

    record Run(long total, long jvm, long load, long ctor, long prime, long invoke, String status) {
    }

    public static void main(String[] a) throws Exception {
        Map<String, String> opts = options(a);
        Path projectDir = Path.of(opts.get("--project-dir")).toAbsolutePath();
        Path cdkOut = Path.of(opts.get("--cdk-out")).toAbsolutePath();
        int runs = Integer.parseInt(opts.getOrDefault("--runs", "5"));
        boolean prime = !opts.containsKey("--no-prime");
        Path runnerJar = Path.of(opts.get("--runner-jar")).toAbsolutePath();
        Path floorJar = Path.of(opts.get("--floor-jar")).toAbsolutePath();

        System.out.println("== Cold start: JVM start to first response, fresh JVM per run (" + runs + " runs)");
        System.out.println(Machine.describe());
        System.out.println("flags: " + String.join(" ", lambdaFlags(512)) + " (MaxHeapSize from each function's memory)");

        LocalRuntime runtime = LocalRuntime.start(new LocalRuntime.Options(opts.getOrDefault("--stage", "dev"), cdkOut,
                0, null, projectDir, projectDir.resolve("bench/target/coldstart-logs"), false, 1, true));
        try {
            Map<String, FunctionHost> hosts = hosts(runtime);
            List<Subject> subjects = only(subjects(runtime, hosts, floorJar, runs), opts.get("--only"));
            Map<String, List<Run>> cold = new LinkedHashMap<>();
            Map<String, List<Run>> primed = new LinkedHashMap<>();
            for (int i = 0; i < runs; i++) {
                for (Subject s : subjects) {
                    cold.computeIfAbsent(s.name(), k -> new ArrayList<>()).add(launch(runnerJar, s, i, false));
                    if (prime && s.primes()) {
                        primed.computeIfAbsent(s.name(), k -> new ArrayList<>())
                                .add(launch(runnerJar, s, runs + i, true));
                    }
                }
            }
            report(subjects, cold, primed);
        } finally {
            runtime.close();
        }
        System.exit(0);
    }

    /**
     * The subjects whose name matches {@code pattern} (a regular expression, for a closer look at a few), with the
     * floors they are compared with and the hello world; all of them when there is no pattern.
     */
    static List<Subject> only(List<Subject> subjects, String pattern) {
        if (pattern == null) {
            return subjects;
        }
        java.util.regex.Pattern chosen = java.util.regex.Pattern.compile(pattern);
        Set<String> keep = new HashSet<>(Set.of("hello-world"));
        subjects.stream().filter(s -> chosen.matcher(s.name()).find()).forEach(s -> {
            keep.add(s.name());
            if (s.floor() != null) {
                keep.add(s.floor());
            }
        });
        return subjects.stream().filter(s -> keep.contains(s.name())).toList();
    }

    private static void report(List<Subject> subjects, Map<String, List<Run>> cold, Map<String, List<Run>> primed) {
        Map<String, Double> medians = new HashMap<>();
        subjects.forEach(s -> medians.put(s.name(), Stats.of(cold.get(s.name()).stream().map(Run::total).toList()).median()));
        double hello = medians.get("hello-world");
        System.out.println();
        System.out.printf("%-22s %-38s %7s %7s  %-18s %s%n", "function", "first response: median (min, max)",
                "x floor", "x hello", "floor", "jar");
        boolean allMet = true;
        for (Subject s : subjects) {
            Stats st = Stats.of(cold.get(s.name()).stream().map(Run::total).toList());
            String vsFloor = "";
            if (s.floor() != null) {
                double r = st.median() / medians.get(s.floor());
                vsFloor = String.format("%6.2fx", r);
                // the goal is the app's handlers'; reference subjects (Powertools logging on the floor) only inform
                if (r > 1.25 && s.handlerClass().startsWith("dev.serverlesskit.app.")) {
                    allMet = false;
                }
            }
            long jarBytes = s.classpath().stream().filter(p -> !p.getFileName().toString().contains("floor-handlers"))
                    .mapToLong(ColdStartBench::size).sum();
            System.out.printf("%-22s %-38s %7s %6.2fx  %-18s %.1f MB%n", s.name(), st.ms(), vsFloor,
                    st.median() / hello, s.floor() == null ? "-" : s.floor(), jarBytes / 1e6);
        }
        System.out.println();
        System.out.println("init-time breakdown (medians, ms): jvm = launch to main(); load = handler class load and"
                + " static init; ctor = handler constructor (clients, config); invoke = first handleRequest");
        System.out.printf("%-22s %6s %6s %6s %6s %6s  %s%n", "function", "jvm", "load", "ctor", "invoke", "total",
                "statuses");
        for (Subject s : subjects) {
            List<Run> r = cold.get(s.name());
            System.out.printf("%-22s %6.0f %6.0f %6.0f %6.0f %6.0f  %s%n", s.name(),
                    med(r, Run::jvm), med(r, Run::load), med(r, Run::ctor), med(r, Run::invoke), med(r, Run::total),
                    r.stream().map(Run::status).distinct().toList());
        }
        if (!primed.isEmpty()) {
            System.out.println();
            System.out.println("SnapStart stand-in: first request after CRaC priming (beforeCheckpoint) ran in the same"
                    + " JVM; the time a restored instance spends on its first request (median (min, max)):");
            for (Subject s : subjects) {
                List<Run> r = primed.get(s.name());
                if (r != null) {
                    System.out.printf("%-22s %s   priming itself %4.0f ms; unprimed first invoke %4.0f ms%n",
                            s.name(), Stats.of(r.stream().map(Run::invoke).toList()).ms(), med(r, Run::prime),
                            med(cold.get(s.name()), Run::invoke));
                }
            }
        }
        System.out.println();
        System.out.println("goal: every handler <= 1.25x its SDK floor: " + (allMet ? "MET" : "NOT MET"));
    }

    private static double med(List<Run> runs, java.util.function.ToLongFunction<Run> f) {
        return Stats.of(runs.stream().map(r -> f.applyAsLong(r)).toList()).median();
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }

    static List<String> lambdaFlags(int memoryMb) {
        // what the Lambda Java runtime's bootstrap passes (java17/java21 managed runtimes)
        return List.of("-XX:MaxHeapSize=" + (memoryMb * 85 / 100) + "m", "-XX:+UseSerialGC", "-XX:+TieredCompilation",
                "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-Djava.net.preferIPv4Stack=true");
    }

    private static Run launch(Path runnerJar, Subject s, int runIndex, boolean prime) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(lambdaFlags(s.memoryMb()));
        String extra = System.getenv("COLD_START_JVM_OPTIONS"); // e.g. -Xlog:class+load:file=/tmp/load-%p.log
        if (extra != null && !extra.isBlank()) {
            cmd.addAll(List.of(extra.trim().split("\\s+")));
        }
        cmd.add("-cp");
        cmd.add(runnerJar.toString());
        cmd.add("dev.serverlesskit.bench.coldstart.Runner");
        cmd.add(s.handlerClass());
        cmd.add(s.kind());
        cmd.add(s.arg().apply(runIndex));
        cmd.add(String.join(":", s.classpath().stream().map(Path::toString).toList()));
        if (prime) {
            cmd.add("prime");
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(s.env());
        long launchedAt = System.currentTimeMillis();
        Process p = pb.start();
        String result = null;
        StringBuilder all = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                all.append(line).append('\n');
                if (line.startsWith("RESULT ")) {
                    result = line;
                }
            }
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        if (result == null) {
            throw new IllegalStateException(s.name() + " produced no result:\n" + all);
        }
        Map<String, String> f = new HashMap<>();
        for (String kv : result.substring(7).split(" ")) {
            int eq = kv.indexOf('=');
            f.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        long main = Long.parseLong(f.get("main"));
        long loaded = Long.parseLong(f.get("loaded"));
        long init = Long.parseLong(f.get("init"));
        long primed = Long.parseLong(f.get("primed"));
        long responded = Long.parseLong(f.get("responded"));
        return new Run(responded - launchedAt, main - launchedAt, loaded - main, init - loaded, primed - init,
                responded - primed, f.get("status"));
    }

    static Map<String, FunctionHost> hosts(LocalRuntime runtime) {
        return runtime.functions();
    }

    private static FunctionHost host(Map<String, FunctionHost> hosts, String handlerSimpleName) {
        return hosts.values().stream().filter(h -> h.function().handlerClass().endsWith("." + handlerSimpleName))
                .findFirst().orElseThrow(() -> new IllegalStateException("no function runs " + handlerSimpleName));
    }

    private static List<Subject> subjects(LocalRuntime runtime, Map<String, FunctionHost> hosts, Path floorJar, int runs)
            throws Exception {
        FunctionHost getPet = host(hosts, "GetPetHandler");
        FunctionHost addPet = host(hosts, "AddPetHandler");
        FunctionHost recordClick = host(hosts, "RecordClickHandler");
        String petsTable = getPet.environment().get("PETS_TABLE");
        String seeded = addPet("Bench Rex", addPet);
        List<String> forSale = new ArrayList<>();
        for (int i = 0; i < 2 * runs; i++) {
            forSale.add(addPet("Bench " + i, addPet));
        }
        // the queue the intake's role may send to: the floor runs with RecordClick's credentials, through the gateway
        String floorQueue = recordClick.environment().get("CLICKS_QUEUE_URL");
        boolean containerCredentials = getPet.environment().containsKey("AWS_CONTAINER_CREDENTIALS_FULL_URI");

        List<Subject> out = new ArrayList<>();
        Map<String, String> helloEnv = new TreeMap<>(getPet.environment());
        out.add(new Subject("hello-world", "dev.serverlesskit.bench.floor.HelloHandler",
                List.of(floorJar, getPet.function().codeJar()), helloEnv, "none", i -> "-", null,
                getPet.function().memoryMb(), false));
        Map<String, String> dynEnv = new TreeMap<>(getPet.environment());
        dynEnv.put("FLOOR_TABLE", petsTable);
        dynEnv.put("FLOOR_KEY", "petId");
        out.add(new Subject("sdk-floor-dynamodb", "dev.serverlesskit.bench.floor.DynamoFloorHandler",
                List.of(floorJar, getPet.function().codeJar()), dynEnv, "none", i -> "-", null,
                getPet.function().memoryMb(), false));
        // the other credentials providers the app could use, on the same floor (environment-only cannot work where
        // Lambda gives container credentials: SnapStart)
        for (String kind : containerCredentials ? List.of("default") : List.of("environment", "default")) {
            Map<String, String> env = new TreeMap<>(dynEnv);
            env.put("FLOOR_CREDENTIALS", kind);
            out.add(new Subject("sdk-floor-dynamodb[" + kind + "]", "dev.serverlesskit.bench.floor.DynamoFloorHandler",
                    List.of(floorJar, getPet.function().codeJar()), env, "none", i -> "-", "sdk-floor-dynamodb",
                    getPet.function().memoryMb(), false));
        }
        Path powertools = floorJar.getParent().resolve("powertools-logging");
        if (Files.isDirectory(powertools)) {
            List<Path> cp = new ArrayList<>(List.of(floorJar));
            try (var jars = Files.list(powertools)) {
                jars.sorted().forEach(cp::add);
            }
            cp.add(getPet.function().codeJar());
            Map<String, String> ptEnv = new TreeMap<>(dynEnv);
            ptEnv.put("LOG4J_CONFIGURATION_FILE",
                    floorJar.getParent().getParent().resolve("src/main/powertools/log4j2.xml").toString());
            out.add(new Subject("sdk-floor+powertools-logging", "dev.serverlesskit.bench.floor.PowertoolsLoggingFloorHandler",
                    cp, ptEnv, "none", i -> "-", "sdk-floor-dynamodb", getPet.function().memoryMb(), false));
        }
        Map<String, String> sqsEnv = new TreeMap<>(recordClick.environment());
        sqsEnv.put("FLOOR_QUEUE_URL", floorQueue);
        out.add(new Subject("sdk-floor-sqs", "dev.serverlesskit.bench.floor.SqsFloorHandler",
                List.of(floorJar, recordClick.function().codeJar()), sqsEnv, "none", i -> "-", null,
                recordClick.function().memoryMb(), false));
        for (String kind : containerCredentials ? List.of("default") : List.of("environment", "default")) {
            Map<String, String> env = new TreeMap<>(sqsEnv);
            env.put("FLOOR_CREDENTIALS", kind);
            out.add(new Subject("sdk-floor-sqs[" + kind + "]", "dev.serverlesskit.bench.floor.SqsFloorHandler",
                    List.of(floorJar, recordClick.function().codeJar()), env, "none", i -> "-", "sdk-floor-sqs",
                    recordClick.function().memoryMb(), false));
        }

        for (FunctionHost h : hosts.values()) {
            String cls = h.function().handlerClass();
            String simple = cls.substring(cls.lastIndexOf('.') + 1);
            String kind;
            java.util.function.IntFunction<String> arg;
            String floor = "sdk-floor-dynamodb";
            switch (simple) {
                case "ListPetsHandler" -> { kind = "api:GET:/pets"; arg = i -> "-"; }
                case "GetPetHandler" -> { kind = "api:GET:/pets/{petId}"; arg = i -> "path.petId=" + seeded; }
                case "AddPetHandler" -> { kind = "api:POST:/pets";
                    arg = i -> "sub=bench-admin;groups=admins;body={\"name\":\"Cold " + i
                            + "\",\"species\":\"dog\",\"price\":10}"; }
                case "PurchasePetHandler" -> { kind = "api:POST:/purchases";
                    arg = i -> "sub=bench-buyer;body={\"petId\":\"" + forSale.get(i) + "\"}"; }
                case "ListPurchasesHandler" -> { kind = "api:GET:/purchases"; arg = i -> "sub=bench-buyer"; }
                case "RecordClickHandler" -> { kind = "api:POST:/clicks";
                    arg = i -> "body={\"campaignId\":\"bench\",\"adId\":\"ad1\"}"; floor = "sdk-floor-sqs"; }
                case "CampaignStatsHandler" -> { kind = "api:GET:/campaigns/{campaignId}/stats";
                    arg = i -> "sub=bench-admin;groups=admins;path.campaignId=bench"; }
                case "ClickProcessorHandler" -> { kind = "sqs-click";
                    arg = i -> "messageId=m-" + i + ";body=" + clickJson(); }
                default -> { continue; }
            }
            out.add(new Subject(h.function().shortName(), cls, List.of(h.function().codeJar()), h.environment(), kind,
                    arg, floor, h.function().memoryMb(), !simple.equals("RecordClickHandler")));
        }
        return out;
    }

    private static String clickJson() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return "{\"clickId\":\"" + UUID.randomUUID() + "\",\"campaignId\":\"bench\",\"adId\":\"ad1\",\"occurredAt\":\""
                + now + "\",\"receivedAt\":\"" + now + "\"}";
    }

    private static String addPet(String name, FunctionHost addPet) throws IOException {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("httpMethod", "POST");
        event.put("resource", "/pets");
        event.put("path", "/pets");
        event.put("headers", Map.of("Content-Type", "application/json"));
        event.put("body", JSON.writeValueAsString(Map.of("name", name, "species", "dog", "price", 10)));
        event.put("requestContext", Map.of("requestId", UUID.randomUUID().toString(),
                "authorizer", Map.of("claims", Map.of("sub", "bench-admin", "cognito:groups", "admins"))));
        FunctionHost.Invocation inv = addPet.invoke(JSON.writeValueAsString(event));
        JsonNode response = JSON.readTree(inv.payload());
        if (response.path("statusCode").asInt() != 201) {
            throw new IllegalStateException("seeding a pet failed: " + inv);
        }
        return JSON.readTree(response.path("body").asText()).path("petId").asText();
    }

    static Map<String, String> options(String[] a) {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < a.length; i++) {
            if (a[i].startsWith("--")) {
                boolean flag = i + 1 >= a.length || a[i + 1].startsWith("--");
                out.put(a[i], flag ? "true" : a[++i]);
            }
        }
        return out;
    }
}
