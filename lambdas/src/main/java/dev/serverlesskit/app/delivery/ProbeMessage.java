package dev.serverlesskit.app.delivery;

/**
 * The message a deployment's hook sends the click processor to check a new version: it must acknowledge it and
 * count nothing. RecordClick writes only clicks it has validated to the queue, so no client can send this.
 */
public final class ProbeMessage {
    /** The message body. */
    public static final String BODY = "{\"probe\":\"pre-traffic-hook\"}";

    private ProbeMessage() {
    }

    public static boolean is(String body) {
        return BODY.equals(body);
    }
}
