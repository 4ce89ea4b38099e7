package dev.serverlesskit.constructs;

import java.util.List;
import java.util.regex.Pattern;
import software.amazon.awscdk.Duration;

/**
 * A Lambda request authorizer for {@link RouteAccess#lambdaAuthorizer(LambdaAuthorizer)}: a {@link JavaFunction} of
 * yours receives the request's identity sources and returns an IAM policy allowing or denying the call. Each
 * {@link ServerlessApi} that uses it creates one API Gateway authorizer for it, invoking the function's alias
 * {@value JavaFunction#ALIAS_NAME}.
 */
public final class LambdaAuthorizer {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern IDENTITY_SOURCE = Pattern.compile(
            "method\\.request\\.(header|querystring|multivaluequerystring|multivalueheader)\\.[^\\s,]+"
                    + "|(stageVariables|context)\\.[^\\s,]+");

    private final String name;
    private final JavaFunction handler;
    private final List<String> identitySources;
    private final Duration resultsCacheTtl;

    private LambdaAuthorizer(Builder b) {
        if (b.name == null || !NAME.matcher(b.name).matches()) {
            throw new IllegalArgumentException("LambdaAuthorizer.name must be 1 to 64 letters, digits, '_' or '-'"
                    + " (got '" + b.name + "')");
        }
        if (b.handler == null) {
            throw new IllegalArgumentException("LambdaAuthorizer.handler is required");
        }
        this.name = b.name;
        this.handler = b.handler;
        this.identitySources = List.copyOf(b.identitySources == null
                ? List.of("method.request.header.Authorization") : b.identitySources);
        if (identitySources.isEmpty()) {
            throw new IllegalArgumentException("LambdaAuthorizer.identitySources must not be empty: API Gateway"
                    + " caches the authorizer's answer by them");
        }
        for (String source : identitySources) {
            if (!IDENTITY_SOURCE.matcher(source).matches()) {
                throw new IllegalArgumentException("LambdaAuthorizer.identitySources must hold sources like"
                        + " method.request.header.Authorization (got '" + source + "')");
            }
        }
        this.resultsCacheTtl = b.resultsCacheTtl == null ? Duration.minutes(5) : b.resultsCacheTtl;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Names the authorizer in the template ({@code authorizer:<name>}) and in its construct id. Required. */
    public String getName() {
        return name;
    }

    /** The function that decides; API Gateway invokes its alias. Required. */
    public JavaFunction getHandler() {
        return handler;
    }

    /**
     * Where the caller's identity is in the request; a request without one of them is refused (401) without
     * invoking the function.
     *
     * @default the Authorization header ({@code method.request.header.Authorization})
     */
    public List<String> getIdentitySources() {
        return identitySources;
    }

    /**
     * How long API Gateway caches the function's answer for the same identity sources ({@code Duration.seconds(0)}
     * turns the cache off; at most 1 hour).
     *
     * @default Duration.minutes(5): the function runs once per caller per five minutes, not once per request
     */
    public Duration getResultsCacheTtl() {
        return resultsCacheTtl;
    }

    /** Builder of {@link LambdaAuthorizer}. */
    public static final class Builder {
        private String name;
        private JavaFunction handler;
        private List<String> identitySources;
        private Duration resultsCacheTtl;

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder handler(JavaFunction handler) {
            this.handler = handler;
            return this;
        }

        public Builder identitySources(List<String> identitySources) {
            this.identitySources = identitySources;
            return this;
        }

        public Builder resultsCacheTtl(Duration resultsCacheTtl) {
            this.resultsCacheTtl = resultsCacheTtl;
            return this;
        }

        public LambdaAuthorizer build() {
            return new LambdaAuthorizer(this);
        }
    }
}
