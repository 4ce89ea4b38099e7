package dev.serverlesskit.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.elasticmq.rest.sqs.TheSQSRestServerBuilder;

/**
 * The local engines, each on a free loopback port: dynalite (DynamoDB) and cognito-local (Cognito) as Node processes
 * from the project's {@code node_modules}, ElasticMQ (SQS) embedded. With a data directory, dynalite keeps its tables
 * in LevelDB and cognito-local its pools and users there, so data survives a restart; without one everything lives
 * in memory (cognito-local in a temporary folder deleted on stop). {@link #close()} stops everything started.
 */
public final class Engines implements AutoCloseable {
    public static final String LOCAL_ACCOUNT = "000000000000";
    private static final String HOST = "127.0.0.1";

    /**
     * Preloaded into the Node engines (dynalite, cognito-local). It ends the engine when the runtime is gone: its
     * stdin is a pipe from the runtime, which closes when the runtime's process ends however it ends (also
     * {@code kill -9}), so no engine outlives it holding its port and data directory. And dynalite rethrows the error of a request whose client hung up mid-request ("aborted",
     * ECONNRESET) as an uncaught exception, which ends the whole engine (seen under load, when a function's
     * HTTP client gives up on a connection). Such a request is dropped and logged; any other error still ends it.
     */
    private static final String ENGINE_GUARD = """
            process.stdin.on('end', () => process.exit(0));
            process.stdin.on('error', () => process.exit(0));
            process.stdin.resume();
            process.on('uncaughtException', (err) => {
              if (err && (err.code === 'ECONNRESET' || err.message === 'aborted')) {
                console.error('dropped a request its client aborted: ' + err.message);
                return;
              }
              console.error(err && err.stack ? err.stack : err);
              process.exit(1);
            });
            """;
    /** How long close() waits for ElasticMQ to stop (it otherwise waits out idle keep-alive connections). */
    private static final long ELASTICMQ_STOP_SECONDS = 5;

    private final List<Process> processes = new ArrayList<>();
    /** How each Node engine was started, by name: what {@link #restart} runs again. */
    private final Map<String, Launch> launches = new java.util.LinkedHashMap<>();
    private Path dataDir;

    private record Launch(List<String> command, Path cwd, Map<String, String> env, int port) {
    }
    private SQSRestServer elasticMq;
    private org.apache.pekko.actor.ActorSystem actorSystem;
    private Path tempCognitoDir;
    private final Path logDir;
    private int dynamoPort;
    private int sqsPort;
    private int cognitoPort;

    private Engines(Path logDir) {
        this.logDir = logDir;
    }

    /** Fails with what to run when {@code node_modules} lacks an engine. */
    public static Path nodeModules(Path projectDir) {
        Path nm = projectDir.resolve("node_modules");
        for (String required : List.of(".bin/node", "dynalite/cli.js", "cognito-local/lib/bin/start.js")) {
            if (!Files.exists(nm.resolve(required))) {
                throw new IllegalStateException("node_modules/" + required + " is missing in " + projectDir
                        + ": run `npm ci` at the project root first (it installs Node 22, dynalite and cognito-local)");
            }
        }
        return nm;
    }

    public static Engines start(Path projectDir, Path dataDir, Path logDir, String region) {
        if (dataDir != null) {
            QueuesDatabase.JVM.claim(dataDir.resolve("sqs")); // before any engine starts
        }
        Path nm = nodeModules(projectDir);
        Engines engines = new Engines(logDir);
        try {
            Files.createDirectories(logDir);
            String node = nm.resolve(".bin/node").toString();

            engines.dynamoPort = freePort();
            engines.dataDir = dataDir;
            Path guard = logDir.resolve("engine-guard.cjs");
            Files.writeString(guard, ENGINE_GUARD);
            List<String> dynalite = new ArrayList<>(List.of(node, "--require", guard.toString(),
                    nm.resolve("dynalite/cli.js").toString(),
                    "--host", HOST, "--port", Integer.toString(engines.dynamoPort),
                    "--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0"));
            if (dataDir != null) {
                Path db = Files.createDirectories(dataDir.resolve("dynamodb"));
                dynalite.addAll(List.of("--path", db.toString()));
            }
            engines.launch("dynalite", dynalite, projectDir, Map.of(), engines.dynamoPort);

            engines.cognitoPort = dataDir == null ? freePort() : savedPort(dataDir.resolve("cognito-port"));
            Path cognitoDir;
            if (dataDir != null) {
                cognitoDir = Files.createDirectories(dataDir.resolve("cognito"));
            } else {
                cognitoDir = engines.tempCognitoDir = Files.createTempDirectory("cognito-local");
            }
            engines.launch("cognito-local", List.of(node, "--require", guard.toString(),
                    nm.resolve("cognito-local/lib/bin/start.js").toString()),
                    cognitoDir, Map.of("HOST", HOST, "PORT", Integer.toString(engines.cognitoPort)),
                    engines.cognitoPort);

            engines.sqsPort = freePort();
            TheSQSRestServerBuilder sqs = SQSRestServerBuilder.withPort(engines.sqsPort);
            if (dataDir != null) {
                sqs = engines.persistentQueues(sqs, Files.createDirectories(dataDir.resolve("sqs")));
            }
            engines.elasticMq = sqs
                    .withInterface(HOST)
                    .withServerAddress(new NodeAddress("http", HOST, engines.sqsPort, ""))
                    .withAWSRegion(region)
                    .withAWSAccountId(LOCAL_ACCOUNT)
                    .start();
            engines.elasticMq.waitUntilStarted();

            engines.awaitPort("dynalite", engines.dynamoPort);
            engines.awaitPort("cognito-local", engines.cognitoPort);
            return engines;
        } catch (IOException | RuntimeException e) {
            engines.close();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    /**
     * ElasticMQ with its queues and messages in an H2 database in {@code dir} (ElasticMQ's own SQL persistence):
     * every message added, changed (receive count, visibility) or deleted is written through, and the queues and
     * messages are restored on start.
     */
    private TheSQSRestServerBuilder persistentQueues(TheSQSRestServerBuilder builder, Path dir) {
        actorSystem = org.apache.pekko.actor.ActorSystem.create("elasticmq");
        var config = new org.elasticmq.persistence.sql.SqlQueuePersistenceConfig(true, "org.h2.Driver",
                "jdbc:h2:" + dir.resolve("queues").toAbsolutePath() + ";WRITE_DELAY=0", "", "", false);
        var persistence = actorSystem.actorOf(org.apache.pekko.actor.Props.create(
                org.elasticmq.persistence.sql.SqlQueuePersistenceActor.class, config,
                scala.collection.immutable.List$.MODULE$.empty()));
        var queueManager = actorSystem.actorOf(org.apache.pekko.actor.Props.create(
                org.elasticmq.actor.QueueManagerActor.class, new org.elasticmq.util.NowProvider(),
                org.elasticmq.StrictSQSLimits$.MODULE$, scala.Option.apply(persistence)));
        try {
            scala.concurrent.Await.result(org.apache.pekko.pattern.Patterns.ask(persistence,
                    new org.elasticmq.actor.queue.QueueEvent.Restore(queueManager), 30_000),
                    scala.concurrent.duration.Duration.create(30, "seconds"));
        } catch (Exception e) {
            throw new IllegalStateException("ElasticMQ could not restore its queues from " + dir + ": " + e, e);
        }
        return builder.withActorSystem(actorSystem).withQueueManagerActor(queueManager);
    }

    /**
     * The port saved in {@code file}, or a free one saved there: cognito-local's tokens name their issuer with its
     * port, so with the same data directory the same port keeps the tokens issued before a restart valid.
     */
    private static int savedPort(Path file) throws IOException {
        if (Files.exists(file)) {
            int port = Integer.parseInt(Files.readString(file).trim());
            if (portOpen(port)) {
                throw new IllegalStateException("port " + port + ", saved in " + file + " so that the Cognito"
                        + " issuer stays the same across restarts, is in use (another runtime on this data directory?)."
                        + " Stop it, or delete " + file + " (ID tokens issued before are then refused)");
            }
            return port;
        }
        int port = freePort();
        Files.writeString(file, port + "\n");
        return port;
    }

    public String dynamoEndpoint() {
        return "http://" + HOST + ":" + dynamoPort;
    }

    public String sqsEndpoint() {
        return "http://" + HOST + ":" + sqsPort;
    }

    public String cognitoEndpoint() {
        return "http://" + HOST + ":" + cognitoPort;
    }

    private void launch(String name, List<String> command, Path cwd, Map<String, String> env, int port)
            throws IOException {
        if (!launches.containsKey(name)) {
            Files.deleteIfExists(logDir.resolve(name + ".log")); // a restart appends to this run's log
        }
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logDir.resolve(name + ".log").toFile()));
        pb.environment().putAll(env);
        Process p = pb.start();
        processes.add(p);
        launches.put(name, new Launch(command, cwd, env, port));
        running.put(name, p);
    }

    private final Map<String, Process> running = new java.util.LinkedHashMap<>();

    /** The engine behind a service's endpoint: {@code dynalite} or {@code cognito-local}. */
    private static String engineOf(String service) {
        return switch (service) {
            case "dynamodb" -> "dynalite";
            case "cognito", "cognito-idp" -> "cognito-local";
            default -> throw new IllegalArgumentException("only the Node engines can be killed (dynamodb, cognito):"
                    + " ElasticMQ (sqs) runs inside the runtime's process, so killing it is killing the runtime");
        };
    }

    /**
     * Kills the engine of {@code service} ({@code dynamodb} or {@code cognito}) with SIGKILL and waits until it is
     * gone. Its port stays closed until {@link #restart}.
     */
    public synchronized void kill(String service) {
        String name = engineOf(service);
        if (name.equals("dynalite") && dataDir == null) {
            throw new IllegalArgumentException("killing dynamodb needs a runtime with a data directory (--data):"
                    + " dynalite keeps its tables in memory otherwise, and would come back empty");
        }
        Process p = running.remove(name);
        if (p == null) {
            throw new IllegalArgumentException(name + " is not running");
        }
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        processes.remove(p);
    }

    /** Starts the killed engine of {@code service} again on the same port and data, and waits until it listens. */
    public synchronized void restart(String service) {
        String name = engineOf(service);
        if (running.containsKey(name)) {
            throw new IllegalArgumentException(name + " is running: kill it first");
        }
        Launch l = launches.get(name);
        try {
            launch(name, l.command(), l.cwd(), l.env(), l.port());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        awaitPort(name, l.port());
    }

    private void awaitPort(String name, int port) {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!portOpen(port)) {
            Process p = processes.stream().filter(pr -> !pr.isAlive()).findFirst().orElse(null);
            if (p != null || System.currentTimeMillis() > deadline) {
                throw new IllegalStateException(name + (p != null ? " exited with " + p.exitValue()
                        : " did not listen on " + port + " within 30 s") + "; see " + logDir.resolve(name + ".log")
                        + ":\n" + tail(logDir.resolve(name + ".log")));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting " + name, e);
            }
        }
    }

    private static String tail(Path log) {
        try {
            String s = Files.readString(log);
            return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
        } catch (IOException e) {
            return "";
        }
    }

    static boolean portOpen(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName(HOST))) {
            return s.getLocalPort();
        }
    }

    @Override
    public synchronized void close() {
        if (elasticMq != null) {
            try {
                scala.concurrent.Await.result(elasticMq.stopAndGetFuture().apply(),
                        scala.concurrent.duration.Duration.create(ELASTICMQ_STOP_SECONDS, "seconds"));
            } catch (Exception stillStopping) {
                // idle keep-alive connections hold Pekko's graceful stop: it finishes in the background
            }
            elasticMq = null;
        }
        if (actorSystem != null) {
            actorSystem.terminate();
            actorSystem = null;
        }
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(3, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
        processes.clear();
        if (tempCognitoDir != null) {
            try (var files = Files.walk(tempCognitoDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException ignored) {
                // a temp folder left behind is harmless
            }
            tempCognitoDir = null;
        }
    }
}
