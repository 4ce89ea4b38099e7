package dev.serverlesskit.app.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The EMF documents AppMetrics writes are what CloudWatch extracts metrics from: the structure must be exact. */
class AppMetricsTest {

    @Test
    @SuppressWarnings("unchecked")
    void businessCountsAreOneValidEmfDocument() throws Exception {
        Map<String, Double> counts = new LinkedHashMap<>();
        counts.put("PetsSold", 1.0);
        counts.put("IdempotentReplays", 2.0);
        String line = AppMetrics.emf("ServerlessKit", 1_767_225_600_000L, Map.of("Service", "pet-purchases"), counts,
                Map.of());
        Map<String, Object> doc = (Map<String, Object>) Json.parse(line);
        Map<String, Object> aws = (Map<String, Object>) doc.get("_aws");
        assertThat(((Number) aws.get("Timestamp")).longValue()).isEqualTo(1_767_225_600_000L);
        List<Map<String, Object>> directives = (List<Map<String, Object>>) aws.get("CloudWatchMetrics");
        assertThat(directives).hasSize(1);
        assertThat(directives.get(0).get("Namespace")).isEqualTo("ServerlessKit");
        assertThat(directives.get(0).get("Dimensions")).isEqualTo(List.of(List.of("Service")));
        assertThat(directives.get(0).get("Metrics")).isEqualTo(List.of(
                Map.of("Name", "PetsSold", "Unit", "Count"), Map.of("Name", "IdempotentReplays", "Unit", "Count")));
        // every dimension and metric named in the directive has its value at the top level
        assertThat(doc.get("Service")).isEqualTo("pet-purchases");
        assertThat(((Number) doc.get("PetsSold")).doubleValue()).isEqualTo(1.0);
        assertThat(((Number) doc.get("IdempotentReplays")).doubleValue()).isEqualTo(2.0);
        assertThat(line).doesNotContain("\n");
    }

    @Test
    @SuppressWarnings("unchecked")
    void coldStartCarriesServiceAndFunctionName() throws Exception {
        Map<String, Object> dims = new LinkedHashMap<>();
        dims.put("Service", "pet-catalog");
        dims.put("FunctionName", "dev-ListPets");
        String line = AppMetrics.emf("ServerlessKit", 1L, dims, Map.of("ColdStart", 1.0),
                Map.of("function_request_id", "r-1"));
        Map<String, Object> doc = (Map<String, Object>) Json.parse(line);
        Map<String, Object> directive = ((List<Map<String, Object>>) ((Map<String, Object>) doc.get("_aws"))
                .get("CloudWatchMetrics")).get(0);
        assertThat(directive.get("Dimensions")).isEqualTo(List.of(List.of("Service", "FunctionName")));
        assertThat(doc).containsEntry("FunctionName", "dev-ListPets").containsEntry("function_request_id", "r-1");
        assertThat(((Number) doc.get("ColdStart")).intValue()).isEqualTo(1);
    }
}
