package dev.serverlesskit.local;

import java.nio.file.Path;

/**
 * The one directory whose H2 database holds ElasticMQ's persisted queues in this JVM. ElasticMQ opens its SQL
 * persistence database once per JVM, for the first configuration it is given, and every later persistent server in
 * the same JVM silently reads and writes that first database, whatever its own configuration names. A runtime on
 * another data directory would then restore another runtime's queues and messages, and write its own there; it is
 * refused instead ({@code scripts/run-local} runs one runtime per process, so it never meets this).
 */
final class QueuesDatabase {
    /** The database of this JVM's persistent ElasticMQ servers. */
    static final QueuesDatabase JVM = new QueuesDatabase();

    private Path directory;

    /**
     * Claims {@code dir} for this JVM's persistent queues: the first claim wins, the same directory may be claimed
     * again (a restart on it), another fails naming both.
     */
    synchronized void claim(Path dir) {
        Path normalized = dir.toAbsolutePath().normalize();
        if (directory == null) {
            directory = normalized;
        } else if (!directory.equals(normalized)) {
            throw new IllegalStateException("ElasticMQ keeps one persistence database per JVM, and this JVM's is in "
                    + directory + ": a runtime on " + normalized + " would restore and write that one instead of its"
                    + " own. Run each data directory's runtime in a process of its own (scripts/run-local --data"
                    + " does).");
        }
    }
}
