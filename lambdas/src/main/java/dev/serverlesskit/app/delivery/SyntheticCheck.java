package dev.serverlesskit.app.delivery;

import dev.serverlesskit.app.common.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a user of the public routes sees, checked from outside: the catalog lists, an unknown pet is a JSON 404, and
 * a route that needs a signed-in caller refuses an anonymous one with a JSON 401 from the gateway. Nothing is
 * written. Pure logic: the HTTP calls are given.
 */
public final class SyntheticCheck {
    /** A pet id that is valid but never generated (pet ids are {@code pet-} and a UUID). */
    public static final String ABSENT_PET = "pet-synthetic-check";

    /** One HTTP exchange. */
    public interface Http {
        Response send(String method, String url, String body);

        record Response(int status, String body) {
        }
    }

    private SyntheticCheck() {
    }

    /**
     * Every failure, as "METHOD path: what is wrong"; empty when every public route answered right.
     *
     * @param apiUrl the API's base URL, ending with {@code /}
     */
    public static List<String> run(String apiUrl, Http http) {
        String base = apiUrl.endsWith("/") ? apiUrl : apiUrl + "/";
        List<String> failures = new ArrayList<>();
        check(failures, "GET /pets?limit=1", () -> {
            Http.Response r = http.send("GET", base + "pets?limit=1", null);
            return r.status() == 200 && object(r.body()).get("items") instanceof List<?> ? null : r;
        });
        check(failures, "GET /pets/" + ABSENT_PET, () -> {
            Http.Response r = http.send("GET", base + "pets/" + ABSENT_PET, null);
            return r.status() == 404 && object(r.body()).get("error") instanceof Map<?, ?> ? null : r;
        });
        check(failures, "POST /purchases (anonymous)", () -> {
            Http.Response r = http.send("POST", base + "purchases", "{\"petId\":\"" + ABSENT_PET + "\"}");
            return r.status() == 401 && object(r.body()).get("error") instanceof Map<?, ?> ? null : r;
        });
        return failures;
    }

    private interface Step {
        Http.Response wrongAnswer() throws IOException;
    }

    private static void check(List<String> failures, String what, Step step) {
        try {
            Http.Response wrong = step.wrongAnswer();
            if (wrong != null) {
                failures.add(what + ": got " + wrong.status() + " " + abbreviate(wrong.body()));
            }
        } catch (IOException | RuntimeException e) {
            failures.add(what + ": " + e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(String body) throws IOException {
        Object parsed = Json.parse(body == null ? "" : body);
        return parsed instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }

    private static String abbreviate(String s) {
        return s == null ? "(no body)" : s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
