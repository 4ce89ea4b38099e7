package dev.serverlesskit.local.gateway;

import dev.serverlesskit.local.iam.Sessions;
import java.util.List;

/**
 * A point in the gateway's request path, for behaviour beyond IAM (fault injection: latency, errors, throttling,
 * a write applied but its response failed, pausing an engine). Called only for requests that passed the signature
 * and IAM checks, on the connection's own thread: it may block (latency, pause) without holding up other callers.
 */
public interface GatewayHook {
    GatewayHook NONE = new GatewayHook() {
    };

    /**
     * Returned instead of a response: the gateway closes the caller's connection without answering (what a caller
     * sees when the network or the service drops a request: an I/O error, and the caller cannot tell whether the
     * request was applied).
     */
    HttpMessage DROP = HttpMessage.response(0, "dropped", java.util.List.of(), new byte[0]);

    /** One checked request: the service, its operation, who made it and the IAM checks it passed. */
    record Call(Service service, String operation, Sessions.Session caller, List<Authorization> authorizations,
                HttpMessage request) {
    }

    /** Before the request is forwarded; a non-null response is returned to the caller instead of forwarding. */
    default HttpMessage beforeForward(Call call) {
        return null;
    }

    /** With the engine's response (the request was applied); what it returns is what the caller gets. */
    default HttpMessage afterResponse(Call call, HttpMessage response) {
        return response;
    }
}
