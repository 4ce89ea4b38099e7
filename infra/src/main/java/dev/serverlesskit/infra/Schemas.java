package dev.serverlesskit.infra;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awscdk.services.apigateway.JsonSchema;
import software.amazon.awscdk.services.apigateway.JsonSchemaType;
import software.amazon.awscdk.services.apigateway.JsonSchemaVersion;

/**
 * Request body schemas API Gateway checks before a function runs: cheap rejection of malformed bodies at the
 * edge. The handlers validate the same rules again (and more), so they are safe when invoked another way.
 */
final class Schemas {
    private static final String ID = "^[A-Za-z0-9_-]{1,64}$";

    private Schemas() {
    }

    static JsonSchema newPet() {
        return object(List.of("name", "species", "price"), Map.of(
                "name", string(1, 100, null),
                "species", string(1, 40, null),
                "price", JsonSchema.builder().type(JsonSchemaType.NUMBER).exclusiveMinimum(true).minimum(0)
                        .maximum(100000).build(),
                "description", string(0, 1000, null)));
    }

    static JsonSchema purchase() {
        return object(List.of("petId"), Map.of("petId", string(1, 80, null)));
    }

    static JsonSchema click() {
        return object(List.of("campaignId", "adId"), clickProperties());
    }

    /** {@code {"clicks": [1..max clicks]}}, each item as {@link #click()}. */
    static JsonSchema clickBatch(int max) {
        JsonSchema item = JsonSchema.builder()
                .type(JsonSchemaType.OBJECT)
                .required(List.of("campaignId", "adId"))
                .properties(new TreeMap<>(clickProperties()))
                .additionalProperties(false)
                .build();
        return object(List.of("clicks"), Map.of("clicks", JsonSchema.builder().type(JsonSchemaType.ARRAY)
                .minItems(1).maxItems(max).items(item).build()));
    }

    private static Map<String, JsonSchema> clickProperties() {
        return Map.of(
                "campaignId", string(1, 64, ID),
                "adId", string(1, 64, ID),
                "clickId", string(36, 36, null),
                "occurredAt", string(1, 40, null));
    }

    private static JsonSchema object(List<String> required, Map<String, JsonSchema> properties) {
        return JsonSchema.builder()
                .schema(JsonSchemaVersion.DRAFT4)
                .type(JsonSchemaType.OBJECT)
                .required(required)
                .properties(new TreeMap<>(properties)) // sorted: Map.of's order changes between JVM runs
                .additionalProperties(false)
                .build();
    }

    private static JsonSchema string(int min, int max, String pattern) {
        return JsonSchema.builder().type(JsonSchemaType.STRING).minLength(min).maxLength(max).pattern(pattern).build();
    }
}
