package dev.serverlesskit.local.shim.crac;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The global context of one function, as the Lambda runtime's: resources are held weakly (a hook whose resource
 * nothing else references may never run, as on Lambda), {@code beforeCheckpoint} runs them in the reverse order of
 * registration and {@code afterRestore} in the order of registration, and every failure is collected into one
 * exception. The local runtime calls both on the global context, itself a {@link Resource}.
 */
public final class Core {
    private static final Context<Resource> GLOBAL = new Ordered();

    private Core() {
    }

    public static Context<Resource> getGlobalContext() {
        return GLOBAL;
    }

    /** Only the platform checkpoints a Lambda function. */
    public static void checkpointRestore() {
        throw new UnsupportedOperationException("on Lambda, SnapStart takes the snapshot");
    }

    /** How many resources are registered (for the runtime's log line). */
    public static int registered() {
        return ((Ordered) GLOBAL).size();
    }

    private static final class Ordered extends Context<Resource> {
        private final Map<Resource, Long> queue = new WeakHashMap<>();
        private long order;

        @Override
        public synchronized void register(Resource resource) {
            queue.put(resource, ++order);
        }

        synchronized int size() {
            return queue.size();
        }

        private synchronized List<Resource> ordered(boolean reverse) {
            List<Map.Entry<Resource, Long>> entries = new ArrayList<>(queue.entrySet());
            entries.sort(Map.Entry.comparingByValue());
            List<Resource> out = new ArrayList<>();
            entries.forEach(e -> out.add(e.getKey()));
            if (reverse) {
                java.util.Collections.reverse(out);
            }
            return out;
        }

        @Override
        public void beforeCheckpoint(Context<? extends Resource> context) throws CheckpointException {
            List<Throwable> failures = new ArrayList<>();
            for (Resource r : ordered(true)) {
                try {
                    r.beforeCheckpoint(this);
                } catch (CheckpointException e) {
                    failures.addAll(List.of(e.getSuppressed()));
                } catch (Exception e) {
                    failures.add(e);
                }
            }
            if (!failures.isEmpty()) {
                CheckpointException e = new CheckpointException();
                failures.forEach(e::addSuppressed);
                throw e;
            }
        }

        @Override
        public void afterRestore(Context<? extends Resource> context) throws RestoreException {
            List<Throwable> failures = new ArrayList<>();
            for (Resource r : ordered(false)) {
                try {
                    r.afterRestore(this);
                } catch (RestoreException e) {
                    failures.addAll(List.of(e.getSuppressed()));
                } catch (Exception e) {
                    failures.add(e);
                }
            }
            if (!failures.isEmpty()) {
                RestoreException e = new RestoreException();
                failures.forEach(e::addSuppressed);
                throw e;
            }
        }
    }
}
