package dev.serverlesskit.app.testing;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/** Reads handler responses. */
public final class Responses {
    private Responses() {}

    public static Map<String, Object> json(APIGatewayProxyResponseEvent response) {
        try {
            return JSON.std.mapFrom(response.getBody());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> error(APIGatewayProxyResponseEvent response) {
        return (Map<String, Object>) json(response).get("error");
    }

    public static String errorCode(APIGatewayProxyResponseEvent response) {
        return (String) error(response).get("code");
    }

    public static String errorMessage(APIGatewayProxyResponseEvent response) {
        return (String) error(response).get("message");
    }

    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> items(APIGatewayProxyResponseEvent response) {
        return (List<Map<String, Object>>) json(response).get("items");
    }
}
