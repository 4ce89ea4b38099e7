package dev.serverlesskit.constructs;

import software.amazon.awscdk.services.apigateway.JsonSchema;

/** Options of one route of a {@link ServerlessApi}. */
public final class RouteOptions {
    private final JsonSchema requestSchema;
    private final Number throttlingRateLimit;
    private final Number throttlingBurstLimit;
    private final Boolean apiKeyRequired;

    private RouteOptions(Builder b) {
        this.apiKeyRequired = b.apiKeyRequired;
        this.requestSchema = b.requestSchema;
        this.throttlingRateLimit = b.throttlingRateLimit;
        this.throttlingBurstLimit = b.throttlingBurstLimit;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A JSON schema (draft 4) API Gateway validates the request body against, whatever its Content-Type (the model
     * is the method's {@code $default} one), refusing invalid bodies with a 400 before the function runs. That 400
     * ({@code BAD_REQUEST_BODY}, "Invalid request body") names no field: where clients must learn which field is
     * wrong, leave the schema out and validate in the handler.
     *
     * @default no body validation (the handler validates)
     */
    public JsonSchema getRequestSchema() {
        return requestSchema;
    }

    /**
     * Steady-state requests per second for this route, overriding the stage's.
     *
     * @default the stage's rate limit
     */
    public Number getThrottlingRateLimit() {
        return throttlingRateLimit;
    }

    /**
     * Burst of requests for this route, overriding the stage's.
     *
     * @default the stage's burst limit
     */
    public Number getThrottlingBurstLimit() {
        return throttlingBurstLimit;
    }

    /**
     * Whether callers must send an API key ({@code x-api-key} header) of a usage plan of the API's stage
     * ({@link ServerlessApi#addUsagePlan}), which meters and throttles them per key. A key identifies a client
     * application, not a user: it adds to the route's {@link RouteAccess}, it does not replace it (a route whose only
     * check is the key is declared {@link RouteAccess#publicAccess(String) public}, with the reason). Synthesis fails
     * when the API has no usage plan.
     *
     * @default false
     */
    public Boolean getApiKeyRequired() {
        return apiKeyRequired;
    }

    /** Builder of {@link RouteOptions}. */
    public static final class Builder {
        private JsonSchema requestSchema;
        private Number throttlingRateLimit;
        private Number throttlingBurstLimit;
        private Boolean apiKeyRequired;

        public Builder apiKeyRequired(Boolean apiKeyRequired) {
            this.apiKeyRequired = apiKeyRequired;
            return this;
        }

        public Builder requestSchema(JsonSchema requestSchema) {
            this.requestSchema = requestSchema;
            return this;
        }

        public Builder throttlingRateLimit(Number throttlingRateLimit) {
            this.throttlingRateLimit = throttlingRateLimit;
            return this;
        }

        public Builder throttlingBurstLimit(Number throttlingBurstLimit) {
            this.throttlingBurstLimit = throttlingBurstLimit;
            return this;
        }

        public RouteOptions build() {
            return new RouteOptions(this);
        }
    }
}
