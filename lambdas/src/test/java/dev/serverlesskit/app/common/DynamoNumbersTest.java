package dev.serverlesskit.app.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** DynamoDB's number range and precision, at their edges, and a cheap refusal of absurd exponents. */
class DynamoNumbersTest {

    @Test
    void acceptsWhatDynamoDbStores() {
        for (String ok : List.of("0", "-0", "0.00", "1E-130", "-1E-130", "9.9999999999999999999999999999999999999E+125",
                "-9.9999999999999999999999999999999999999E+125", "12345678901234567890123456789012345678",
                "1.2345678901234567890123456789012345678", "250", "0.5", "1e2", "100000000000000000000000000000000000000000")) {
            assertThat(DynamoNumbers.parse("query parameter 'maxPrice'", ok)).as(ok).isNotNull();
        }
    }

    @Test
    void refusesWhatDynamoDbCannotStoreNamingTheParameter() {
        for (String bad : List.of("1E-131", "-1e-131", "1E+126", "1e126", "-1E+126",
                "123456789012345678901234567890123456789", "1.23456789012345678901234567890123456789",
                "1e-999999999", "1e999999999", "1e99999", "NaN", "Infinity", "0x10", "1_000", "\uff11", " 1", "1e",
                "", ".", "-", "1".repeat(65))) {
            assertThatThrownBy(() -> DynamoNumbers.parse("query parameter 'maxPrice'", bad)).as(bad)
                    .isInstanceOf(ApiException.class)
                    .hasMessageContaining("query parameter 'maxPrice'")
                    .satisfies(e -> assertThat(((ApiException) e).status()).isEqualTo(400));
        }
    }

    @Test
    void aParsedNumberWithAHugeExponentIsRefusedWithoutPrintingIt() {
        // what a JSON body can carry: the parser builds it cheaply; its plain form would be a billion digits
        BigDecimal tiny = new BigDecimal("1e-999999999");
        BigDecimal huge = new BigDecimal("1e999999999");
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(1), () -> {
            assertThatThrownBy(() -> DynamoNumbers.check("field 'price'", tiny)).hasMessageContaining("'price'");
            assertThatThrownBy(() -> DynamoNumbers.check("field 'price'", huge)).hasMessageContaining("'price'");
        });
    }
}
