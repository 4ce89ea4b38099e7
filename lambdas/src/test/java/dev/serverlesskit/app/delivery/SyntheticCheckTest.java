package dev.serverlesskit.app.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The synthetic check's verdicts: a working API passes; each wrong answer fails, naming the route. */
class SyntheticCheckTest {
    private static SyntheticCheck.Http api(String brokenRoute, SyntheticCheck.Http.Response broken, List<String> calls) {
        return (method, url, body) -> {
            calls.add(method + " " + url);
            String route = method + " " + url.substring("https://api.example.com/prod/".length());
            if (route.equals(brokenRoute)) {
                return broken;
            }
            return switch (route) {
                case "GET pets?limit=1" -> new SyntheticCheck.Http.Response(200, "{\"items\":[],\"nextCursor\":null}");
                case "GET pets/pet-synthetic-check" -> new SyntheticCheck.Http.Response(404,
                        "{\"error\":{\"code\":\"NOT_FOUND\",\"message\":\"no pet\"}}");
                case "POST purchases" -> new SyntheticCheck.Http.Response(401,
                        "{\"error\":{\"code\":\"UNAUTHORIZED\",\"message\":\"Unauthorized\"}}");
                default -> throw new IllegalStateException(route);
            };
        };
    }

    @Test
    void aWorkingApiPassesWithoutWriting() {
        List<String> calls = new ArrayList<>();
        assertThat(SyntheticCheck.run("https://api.example.com/prod", api(null, null, calls))).isEmpty();
        assertThat(calls).containsExactly("GET https://api.example.com/prod/pets?limit=1",
                "GET https://api.example.com/prod/pets/pet-synthetic-check",
                "POST https://api.example.com/prod/purchases");
    }

    @Test
    void eachWrongAnswerFailsNamingTheRoute() {
        assertThat(SyntheticCheck.run("https://api.example.com/prod/", api("GET pets?limit=1",
                new SyntheticCheck.Http.Response(500, "{\"error\":{}}"), new ArrayList<>())))
                .containsExactly("GET /pets?limit=1: got 500 {\"error\":{}}");
        assertThat(SyntheticCheck.run("https://api.example.com/prod/", api("GET pets/pet-synthetic-check",
                new SyntheticCheck.Http.Response(200, "{\"petId\":\"x\"}"), new ArrayList<>())))
                .containsExactly("GET /pets/pet-synthetic-check: got 200 {\"petId\":\"x\"}");
        // a signed-in route that lost its authorizer answers an anonymous caller
        assertThat(SyntheticCheck.run("https://api.example.com/prod/", api("POST purchases",
                new SyntheticCheck.Http.Response(400, "{\"error\":{}}"), new ArrayList<>())))
                .containsExactly("POST /purchases (anonymous): got 400 {\"error\":{}}");
        assertThat(SyntheticCheck.run("https://api.example.com/prod/", api("GET pets?limit=1",
                new SyntheticCheck.Http.Response(200, "<html>"), new ArrayList<>()))).hasSize(1)
                .allSatisfy(f -> assertThat(f).startsWith("GET /pets?limit=1: "));
        SyntheticCheck.Http down = (m, u, b) -> {
            throw new java.io.UncheckedIOException(new java.net.ConnectException("refused"));
        };
        assertThat(SyntheticCheck.run("https://api.example.com/prod/", down)).hasSize(3);
    }
}
