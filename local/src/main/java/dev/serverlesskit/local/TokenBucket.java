package dev.serverlesskit.local;

/**
 * API Gateway's throttling algorithm: a bucket of {@code burst} tokens refilled at {@code rate} per second; a
 * request takes one token or is throttled (429).
 */
final class TokenBucket {
    private final double rate;
    private final double capacity;
    private double tokens;
    private long last;

    TokenBucket(double rate, int burst) {
        this.rate = rate;
        this.capacity = Math.max(1, burst);
        this.tokens = capacity;
        this.last = System.nanoTime();
    }

    synchronized boolean tryTake() {
        long now = System.nanoTime();
        tokens = Math.min(capacity, tokens + (now - last) / 1e9 * rate);
        last = now;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
