package dev.serverlesskit.app.common;

/**
 * A client-visible failure: HTTP status, an UPPER_SNAKE code and a message that names what is wrong.
 * Thrown by validation and business rules; {@link ApiHandler} turns it into {@code {"error":{...}}}.
 * No stack trace is captured: these are expected outcomes, not bugs.
 */
public class ApiException extends RuntimeException {
    private final int status;
    private final String code;

    public ApiException(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public static ApiException validation(String message) {
        return new ApiException(400, "VALIDATION_FAILED", message);
    }

    public static ApiException badRequest(String code, String message) {
        return new ApiException(400, code, message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "NOT_FOUND", message);
    }

    public static ApiException conflict(String code, String message) {
        return new ApiException(409, code, message);
    }
}
