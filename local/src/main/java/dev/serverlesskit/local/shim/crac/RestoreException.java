package dev.serverlesskit.local.shim.crac;

/** One or more afterRestore hooks failed; each failure is a suppressed exception. */
public class RestoreException extends Exception {
    private static final long serialVersionUID = 1L;

    public RestoreException() {
        super("an afterRestore hook failed");
    }
}
