package dev.serverlesskit.local;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where functions' stdout and stderr go. On Lambda each function writes to its own log group; here the JVM's
 * {@code System.out}/{@code System.err} are replaced once by streams that route by thread: a thread running a function
 * (and any thread it starts) writes to that function's log file, optionally echoed to the console with the function's
 * name; every other thread writes to the console as before. The runtime's own one-line-per-invocation log stays
 * readable.
 */
final class FunctionOutput {
    private static final InheritableThreadLocal<OutputStream> TARGET = new InheritableThreadLocal<>();
    private static PrintStream console;
    private static boolean installed;

    private FunctionOutput() {
    }

    /** The console as it was before routing (what the runtime prints its own lines to). */
    static synchronized PrintStream console() {
        return console != null ? console : System.out;
    }

    static synchronized void install() {
        if (installed) {
            return;
        }
        console = System.out;
        PrintStream err = System.err;
        System.setOut(new PrintStream(new Routing(console), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new Routing(err), true, StandardCharsets.UTF_8));
        installed = true;
    }

    /** Routes the current thread (and threads it starts) to {@code target}; null restores the console. */
    static void route(OutputStream target) {
        if (target == null) {
            TARGET.remove();
        } else {
            TARGET.set(target);
        }
    }

    /** The log of one function: its file, plus the console with a {@code [name]} prefix when {@code echo}. */
    static OutputStream forFunction(Path logFile, String name, boolean echo) {
        try {
            Files.createDirectories(logFile.getParent());
            OutputStream file = new FileOutputStream(logFile.toFile(), true);
            if (!echo) {
                return file;
            }
            byte[] prefix = ("[" + name + "] ").getBytes(StandardCharsets.UTF_8);
            return new OutputStream() {
                private boolean lineStart = true;

                @Override
                public synchronized void write(int b) throws IOException {
                    file.write(b);
                    PrintStream c = console();
                    if (lineStart) {
                        c.write(prefix, 0, prefix.length);
                    }
                    c.write(b);
                    lineStart = b == '\n';
                }

                @Override
                public synchronized void write(byte[] b, int off, int len) throws IOException {
                    for (int i = off; i < off + len; i++) {
                        write(b[i]);
                    }
                }

                @Override
                public void flush() throws IOException {
                    file.flush();
                    console().flush();
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final class Routing extends OutputStream {
        private final OutputStream fallback;

        Routing(OutputStream fallback) {
            this.fallback = fallback;
        }

        private OutputStream target() {
            OutputStream t = TARGET.get();
            return t != null ? t : fallback;
        }

        @Override
        public void write(int b) throws IOException {
            target().write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            target().write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            target().flush();
        }
    }
}
