package dev.serverlesskit.constructs;

import java.util.Objects;
import software.amazon.awscdk.Duration;

/**
 * How many requests one client (one source IP address) may send to a {@link ServerlessApi} in a window of time before
 * the API answers the rest of that window with {@code 429 Too Many Requests}. Enforced by an AWS WAF web ACL with one
 * rate-based rule, associated with the API's stage: the stage's throttling caps the whole API, this keeps one
 * anonymous client from taking all of it.
 *
 * <p>It counts every request from the address, authenticated or not: a per-user quota is an API key's usage plan
 * ({@link ServerlessApi#addUsagePlan}). Clients behind one NAT share an address and so a limit.
 */
public final class ClientRateLimit {
    /** The default: 1,000 requests per client in 5 minutes (about 3.3 a second sustained). */
    public static final Number DEFAULT_REQUESTS = 1000;
    /** The windows AWS WAF's rate-based rules can count in, in seconds. */
    static final java.util.List<Integer> WINDOWS_SECONDS = java.util.List.of(60, 120, 300, 600);

    private final Number requests;
    private final Duration window;
    private final String reasonForNone;

    private ClientRateLimit(Number requests, Duration window, String reasonForNone) {
        this.requests = requests;
        this.window = window;
        this.reasonForNone = reasonForNone;
    }

    /**
     * At most {@code requests} from one client in {@code window}.
     *
     * @param requests 10 to 2,000,000,000 (AWS WAF's range)
     * @param window   1, 2, 5 or 10 minutes (the windows AWS WAF counts in)
     */
    public static ClientRateLimit perClient(Number requests, Duration window) {
        return new ClientRateLimit(Objects.requireNonNull(requests, "requests"),
                Objects.requireNonNull(window, "window"), null);
    }

    /** {@link #DEFAULT_REQUESTS} per client in 5 minutes. */
    public static ClientRateLimit byDefault() {
        return perClient(DEFAULT_REQUESTS, Duration.minutes(5));
    }

    /**
     * No per-client limit and no web ACL: the stage's throttling is shared by all clients. The reason is recorded
     * as the acknowledgment of cdk-nag's AwsSolutions-APIG3 on the stage.
     */
    public static ClientRateLimit none(String reason) {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("ClientRateLimit.none needs a reason: say why one client may take the"
                    + " whole stage's throttling budget");
        }
        return new ClientRateLimit(null, null, reason);
    }

    /** The requests allowed per client in {@link #getWindow()}; null for {@link #none}. */
    public Number getRequests() {
        return requests;
    }

    /** The counting window; null for {@link #none}. */
    public Duration getWindow() {
        return window;
    }

    /** Why there is no limit, for {@link #none}; null otherwise. */
    public String getReasonForNone() {
        return reasonForNone;
    }

    boolean isNone() {
        return reasonForNone != null;
    }
}
