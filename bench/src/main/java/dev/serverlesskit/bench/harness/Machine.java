package dev.serverlesskit.bench.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine a figure came from, printed with every figure. */
public final class Machine {
    private Machine() {
    }

    public static String describe() {
        String cpu = "unknown";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse(cpu);
        } catch (IOException ignored) {
            // not Linux
        }
        return "machine: " + Runtime.getRuntime().availableProcessors() + " cores, " + cpu + ", JDK "
                + System.getProperty("java.vm.version") + " (" + System.getProperty("java.vm.name") + ")";
    }
}
