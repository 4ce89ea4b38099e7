package dev.serverlesskit.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A small client of cognito-local's AWS JSON API (the same wire protocol as Cognito's), used to create the pool,
 * clients and groups from the template and the test users, and by clients (tests, the printed curl) to sign up and
 * sign in. cognito-local does not check request signatures, so plain HTTP is enough.
 */
public final class CognitoLocal {
    /** An error Cognito returned, e.g. {@code UsernameExistsException}, {@code InvalidPasswordException}. */
    public static final class CognitoException extends RuntimeException {
        private final String type;

        CognitoException(String type, String message) {
            super(type + ": " + message);
            this.type = type;
        }

        public String type() {
            return type;
        }
    }

    public record Tokens(String idToken, String accessToken, String refreshToken) {
    }

    private final URI endpoint;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public CognitoLocal(String endpoint) {
        this.endpoint = URI.create(endpoint);
    }

    public String endpoint() {
        return endpoint.toString();
    }

    public JsonNode call(String action, ObjectNode body) {
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-amz-json-1.1")
                .header("X-Amz-Target", "AWSCognitoIdentityProviderService." + action)
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode json = response.body().isBlank() ? Json.object() : Json.parse(response.body());
            if (response.statusCode() >= 300) {
                String type = json.path("__type").asText(json.path("code").asText("Error"));
                throw new CognitoException(type.substring(type.indexOf('#') + 1),
                        json.path("message").asText(response.body()));
            }
            return json;
        } catch (IOException e) {
            throw new IllegalStateException("cognito-local at " + endpoint + " did not answer " + action, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Self sign-up, as an app's sign-up form does; the user then needs confirming. */
    public String signUp(String clientId, String email, String password) {
        ObjectNode body = Json.object().put("ClientId", clientId).put("Username", email).put("Password", password);
        body.putArray("UserAttributes").addObject().put("Name", "email").put("Value", email);
        return call("SignUp", body).path("UserSub").asText();
    }

    /** What the confirmation e-mail's code would do; locally an administrator confirms. */
    public void adminConfirmSignUp(String userPoolId, String username) {
        call("AdminConfirmSignUp", Json.object().put("UserPoolId", userPoolId).put("Username", username));
    }

    /** USER_PASSWORD_AUTH sign-in (the client must allow it). */
    public Tokens signIn(String clientId, String username, String password) {
        ObjectNode body = Json.object().put("ClientId", clientId).put("AuthFlow", "USER_PASSWORD_AUTH");
        body.putObject("AuthParameters").put("USERNAME", username).put("PASSWORD", password);
        return tokens("InitiateAuth", body);
    }

    /**
     * An administrator's sign-in for a user (AdminInitiateAuth, ADMIN_USER_PASSWORD_AUTH), as back-office tooling
     * does. cognito-local implements neither SRP nor a client's ExplicitAuthFlows, so this is how tests sign users
     * in on a client that allows only SRP: the tokens are the same ID tokens.
     */
    public Tokens adminSignIn(String userPoolId, String clientId, String username, String password) {
        ObjectNode body = Json.object().put("UserPoolId", userPoolId).put("ClientId", clientId)
                .put("AuthFlow", "ADMIN_USER_PASSWORD_AUTH");
        body.putObject("AuthParameters").put("USERNAME", username).put("PASSWORD", password);
        return tokens("AdminInitiateAuth", body);
    }

    /** The tokens a sign-in call answers; a challenge instead of tokens fails. */
    private Tokens tokens(String operation, ObjectNode body) {
        JsonNode result = call(operation, body).path("AuthenticationResult");
        if (result.isMissingNode()) {
            throw new CognitoException("ChallengeRequired", "sign-in returned a challenge instead of tokens");
        }
        return new Tokens(result.path("IdToken").asText(), result.path("AccessToken").asText(),
                result.path("RefreshToken").asText(null));
    }

    /** Creates a confirmed user with a permanent password (no e-mail), optionally in groups. */
    public void adminCreateUser(String userPoolId, String email, String password, String... groups) {
        ObjectNode body = Json.object().put("UserPoolId", userPoolId).put("Username", email)
                .put("MessageAction", "SUPPRESS").put("TemporaryPassword", password);
        var attributes = body.putArray("UserAttributes");
        attributes.addObject().put("Name", "email").put("Value", email);
        attributes.addObject().put("Name", "email_verified").put("Value", "true");
        try {
            call("AdminCreateUser", body);
        } catch (CognitoException e) {
            if (!"UsernameExistsException".equals(e.type())) {
                throw e;
            }
        }
        call("AdminSetUserPassword", Json.object().put("UserPoolId", userPoolId).put("Username", email)
                .put("Password", password).put("Permanent", true));
        for (String group : groups) {
            call("AdminAddUserToGroup", Json.object().put("UserPoolId", userPoolId).put("Username", email)
                    .put("GroupName", group));
        }
    }
}
