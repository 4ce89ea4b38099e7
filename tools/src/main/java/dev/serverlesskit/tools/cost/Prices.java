package dev.serverlesskit.tools.cost;

import com.fasterxml.jackson.databind.JsonNode;
import dev.serverlesskit.tools.cfn.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The dated price table ({@code prices.json} next to this class, or a file given on the command line): per region,
 * every priced thing the kit creates, each with the AWS pricing page it comes from, the date it was checked and where
 * the figure was read ("not confirmed" when it could not be).
 */
public final class Prices {
    /** One price: {@code price} dollars per {@code per} units. */
    public record Price(String key, double price, double per, String unit, String source, String checked,
            String evidence) {
        public double cost(double quantity) {
            return quantity * price / per;
        }

        public boolean confirmed() {
            return !evidence.startsWith("not confirmed");
        }

        public String describe() {
            String amount = Money.price(price);
            if (per == 1) {
                return amount + " per " + singular(unit);
            }
            return amount + " per " + Money.quantity(per).replace(",000,000", "M").replace("00,000", "00K")
                    .replace("10,000", "10K") + " " + unit;
        }

        /** "key-months" is priced "per key-month", "instance-hours" "per instance-hour". */
        private static String singular(String unit) {
            return unit.replaceAll("-(month|hour)s$", "-$1").replace("monthly active users", "monthly active user");
        }
    }

    private final JsonNode root;

    private Prices(JsonNode root) {
        this.root = root;
    }

    public static Prices load() {
        try (InputStream in = Prices.class.getResourceAsStream("/dev/serverlesskit/tools/prices.json")) {
            return new Prices(Json.MAPPER.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Prices load(Path file) {
        return new Prices(Json.read(file));
    }

    public List<String> regions() {
        return Json.fieldNames(root.path("regions"));
    }

    public Optional<Price> get(String region, String key) {
        JsonNode p = root.path("regions").path(region).path(key);
        if (p.isMissingNode()) {
            return Optional.empty();
        }
        return Optional.of(new Price(key, p.path("price").asDouble(), p.path("per").asDouble(1),
                p.path("unit").asText(), p.path("source").asText(), p.path("checked").asText(),
                p.path("evidence").asText("not confirmed")));
    }

    public List<Price> all(String region) {
        List<Price> list = new ArrayList<>();
        Json.fieldNames(root.path("regions").path(region)).forEach(k -> get(region, k).ifPresent(list::add));
        return list;
    }
}
