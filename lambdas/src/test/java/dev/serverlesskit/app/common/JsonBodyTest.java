package dev.serverlesskit.app.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class JsonBodyTest {
    private static final String EMOJI = "\ud83d\ude00"; // one character, two UTF-16 units

    private static JsonBody body(String json) {
        return Json.parseObject(json);
    }

    @Test
    void lengthsCountCharactersNotUtf16Units() {
        // 60 emoji are 60 characters: within a 100-character limit (the request model, JSON Schema, agrees)
        String sixty = EMOJI.repeat(60);
        assertThat(body("{\"name\":\"" + sixty + "\"}").requiredString("name", 1, 100)).isEqualTo(sixty);
        String hundred = EMOJI.repeat(100);
        assertThat(body("{\"name\":\"" + hundred + "\"}").optionalString("name", 100)).isEqualTo(hundred);

        assertThatThrownBy(() -> body("{\"name\":\"" + EMOJI.repeat(101) + "\"}").optionalString("name", 100))
                .isInstanceOf(ApiException.class)
                .hasMessage("field 'name' must be at most 100 characters");
        // one emoji is one character: below a minimum of 2
        assertThatThrownBy(() -> body("{\"name\":\"" + EMOJI + "\"}").requiredString("name", 2, 100))
                .isInstanceOf(ApiException.class)
                .hasMessage("field 'name' must be 2..100 characters");
    }

    @Test
    void refusesUnpairedSurrogatesAndControlCharactersNamingTheField() {
        // JSON escapes: valid JSON, but not text DynamoDB stores as sent (an unpaired surrogate becomes '?')
        assertThatThrownBy(() -> body("{\"name\":\"Rex\\ud800\"}").requiredString("name", 1, 100))
                .isInstanceOf(ApiException.class)
                .hasMessageStartingWith("field 'name' must be valid Unicode text");
        assertThatThrownBy(() -> body("{\"description\":\"\\udc00x\"}").optionalString("description", 1000))
                .isInstanceOf(ApiException.class)
                .hasMessageStartingWith("field 'description' must be valid Unicode text");
        assertThatThrownBy(() -> body("{\"name\":\"a\\u0000b\"}").requiredString("name", 1, 100))
                .isInstanceOf(ApiException.class)
                .hasMessage("field 'name' must not contain control characters (it holds \\u0000)");
        assertThatThrownBy(() -> body("{\"name\":\"a\\u007fb\"}").requiredString("name", 1, 100))
                .isInstanceOf(ApiException.class)
                .hasMessageStartingWith("field 'name' must not contain control characters");

        // what stays accepted: paired surrogates (emoji), tabs and line breaks, other scripts
        String text = "Rex " + EMOJI + "\tline\r\nnext \u00e9\u4e2d";
        assertThat(body("{\"description\":\"Rex \\ud83d\\ude00\\tline\\r\\nnext \u00e9\u4e2d\"}")
                .optionalString("description", 1000)).isEqualTo(text);
    }

    @Test
    void contentAfterTheBodysJsonIsInvalidJson() {
        for (String body : new String[] {"{\"name\":\"Rex\"} garbage", "{\"name\":\"Rex\"}{\"name\":\"Tom\"}",
                "{\"name\":\"Rex\"}]", "{\"name\":\"Rex\"} 1"}) {
            assertThatThrownBy(() -> Json.parseObject(body))
                    .as(body)
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo("INVALID_JSON"));
        }
        // whitespace around the value is fine
        assertThat(Json.parseObject(" \n{\"name\":\"Rex\"} \r\n\t").asMap()).containsEntry("name", "Rex");
    }
}
