package dev.serverlesskit.local.shim.crac;

/** One or more beforeCheckpoint hooks failed; each failure is a suppressed exception. */
public class CheckpointException extends Exception {
    private static final long serialVersionUID = 1L;

    public CheckpointException() {
        super("a beforeCheckpoint hook failed");
    }
}
