package dev.serverlesskit.tools.review;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlesskit.tools.cfn.Json;
import org.junit.jupiter.api.Test;

/** Large values diff by meaning: named list items by name, JSON in strings as JSON, no truncation. */
class ValueDiffTest {
    @Test
    void listsOfNamedThingsDiffByName() {
        assertThat(ValueDiff.diff("GlobalSecondaryIndexes",
                Json.parse("[{\"IndexName\":\"a\",\"Projection\":\"ALL\"},{\"IndexName\":\"b\"}]"),
                Json.parse("[{\"IndexName\":\"b\"},{\"IndexName\":\"a\",\"Projection\":\"KEYS_ONLY\"}]")))
                .containsExactly("~ GlobalSecondaryIndexes[a].Projection: ALL → KEYS_ONLY");
        assertThat(ValueDiff.diff("MethodSettings",
                Json.parse("[{\"HttpMethod\":\"*\",\"ResourcePath\":\"/*\",\"ThrottlingRateLimit\":20}]"),
                Json.parse("[{\"HttpMethod\":\"*\",\"ResourcePath\":\"/*\",\"ThrottlingRateLimit\":50},"
                        + "{\"HttpMethod\":\"GET\",\"ResourcePath\":\"/~1pets\",\"ThrottlingRateLimit\":5}]")))
                .containsExactly("~ MethodSettings[* /*].ThrottlingRateLimit: 20 → 50",
                        "+ MethodSettings[GET //pets]: {\"HttpMethod\":\"GET\",\"ResourcePath\":\"/~1pets\","
                                + "\"ThrottlingRateLimit\":5}");
    }

    @Test
    void jsonInsideAStringIsComparedAsJsonAndLongValuesAreNotCut() {
        String longValue = "x".repeat(500);
        assertThat(ValueDiff.diff("Body", Json.parse("\"{\\\"a\\\":1,\\\"b\\\":\\\"" + longValue + "\\\"}\""),
                Json.parse("\"{\\\"b\\\":\\\"" + longValue + "\\\",\\\"a\\\":2}\"")))
                .containsExactly("~ Body.a: 1 → 2");
        assertThat(ValueDiff.diff("Description", Json.parse("\"" + longValue + "\""), Json.parse("\"y\"")))
                .containsExactly("~ Description: " + longValue + " → y");
    }

    @Test
    void dashboardWidgetsDiffByTitleAndMovesAreCounted() {
        String before = "{\"widgets\":[{\"type\":\"metric\",\"x\":0,\"y\":0,\"properties\":{\"title\":\"A\"}},"
                + "{\"type\":\"metric\",\"x\":0,\"y\":6,\"properties\":{\"title\":\"B\"}},"
                + "{\"type\":\"metric\",\"x\":0,\"y\":12,\"properties\":{\"title\":\"C\",\"period\":60}}]}";
        String after = "{\"widgets\":[{\"type\":\"metric\",\"x\":0,\"y\":0,\"properties\":{\"title\":\"A\"}},"
                + "{\"type\":\"metric\",\"x\":0,\"y\":6,\"properties\":{\"title\":\"C\",\"period\":300}},"
                + "{\"type\":\"text\",\"x\":0,\"y\":12,\"properties\":{\"title\":\"D\"}}]}";
        assertThat(ValueDiff.diff("DashboardBody", Json.parse(before), Json.parse(after))).containsExactly(
                "~ widget \"C\".properties.period: 60 → 300", "+ widget \"D\" (text)", "- widget \"B\" (metric)");
    }
}
