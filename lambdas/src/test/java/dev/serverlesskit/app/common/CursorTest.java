package dev.serverlesskit.app.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class CursorTest {
    private static final Cursor.Shape SHAPE = Cursor.Shape.of("petId", 'S', "species", 'S', "price", 'N');

    @Test
    void roundTrips() {
        Map<String, AttributeValue> key = Map.of("petId", AttributeValue.fromS("pet-1"),
                "species", AttributeValue.fromS("dog"), "price", AttributeValue.fromN("12.5"));
        String cursor = Cursor.encode(key);
        assertThat(cursor).matches("[A-Za-z0-9_-]+");
        assertThat(Cursor.decode(cursor, SHAPE)).isEqualTo(key);
        assertThat(Cursor.encode(Map.of())).isNull();
        assertThat(Cursor.decode(null, SHAPE)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "not-base64!!",
            "e30",                                                   // {}
            "bnVsbA",                                                // null
            "WzFd",                                                  // [1]
    })
    void rejectsGarbage(String cursor) {
        assertInvalid(cursor);
    }

    @Test
    void rejectsTamperedContent() {
        assertInvalid(b64("{\"petId\":{\"S\":\"pet-1\"}}"));                                      // wrong key set
        assertInvalid(b64("{\"petId\":{\"S\":\"pet-1\"},\"species\":{\"S\":\"dog\"},\"price\":{\"S\":\"1\"}}"));
        assertInvalid(b64("{\"petId\":{\"S\":\"pet-1\"},\"species\":{\"S\":\"dog\"},\"price\":{\"N\":\"x\"}}"));
        assertInvalid(b64("{\"petId\":{\"S\":\"pet-1\"},\"species\":{\"S\":\"dog\"},\"price\":{\"N\":\"1\"},"
                + "\"extra\":{\"S\":\"x\"}}"));
        assertInvalid(b64("{\"petId\":\"pet-1\",\"species\":{\"S\":\"dog\"},\"price\":{\"N\":\"1\"}}"));
        String good = Cursor.encode(Map.of("petId", AttributeValue.fromS("pet-1"),
                "species", AttributeValue.fromS("dog"), "price", AttributeValue.fromN("1")));
        assertInvalid(good.substring(0, good.length() - 3));                                       // truncated
        assertInvalid("x".repeat(5000));
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertInvalid(String cursor) {
        assertThatThrownBy(() -> Cursor.decode(cursor, SHAPE))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.code()).isEqualTo("INVALID_CURSOR");
                    assertThat(e.getMessage()).contains("cursor");
                });
    }
}
