package dev.serverlesskit.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verifies Cognito tokens as API Gateway's Cognito user pool authorizer does: an RS256 JWT signed by a key of the
 * pool's JWKS, issued by the pool ({@code iss}), not expired. Without authorization scopes on the method it must be
 * an ID token of one of the pool's app clients ({@code token_use=id}, {@code aud}); with scopes, an access token
 * carrying one of them. Returns the verified claims, or empty (the authorizer's 401).
 */
public final class JwtVerifier {
    /** A user pool the authorizer trusts: its issuer URL and app client ids. */
    public record Pool(String issuer, Set<String> clientIds) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Map<String, PublicKey>> keysByIssuer = new ConcurrentHashMap<>();

    public Optional<JsonNode> verify(String token, List<Pool> pools, List<String> scopes) {
        if (token == null || token.isBlank()) {
            return Optional.empty();
        }
        String[] parts = token.trim().split("\\.");
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            JsonNode header = Json.parse(decode(parts[0]));
            JsonNode claims = Json.parse(decode(parts[1]));
            if (!"RS256".equals(header.path("alg").asText())) {
                return Optional.empty();
            }
            String issuer = claims.path("iss").asText();
            Pool pool = pools.stream().filter(p -> p.issuer().equals(issuer)).findFirst().orElse(null);
            if (pool == null) {
                return Optional.empty();
            }
            PublicKey key = key(issuer, header.path("kid").asText());
            if (key == null) {
                return Optional.empty();
            }
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initVerify(key);
            rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!rsa.verify(Base64.getUrlDecoder().decode(parts[2]))) {
                return Optional.empty();
            }
            long now = System.currentTimeMillis() / 1000;
            if (!claims.has("exp") || claims.path("exp").asLong() <= now) {
                return Optional.empty();
            }
            if (claims.has("nbf") && claims.path("nbf").asLong() > now + 1) {
                return Optional.empty();
            }
            String use = claims.path("token_use").asText();
            if (scopes.isEmpty()) {
                if (!"id".equals(use) || !pool.clientIds().contains(claims.path("aud").asText())) {
                    return Optional.empty();
                }
            } else {
                if (!"access".equals(use) || !pool.clientIds().contains(claims.path("client_id").asText())) {
                    return Optional.empty();
                }
                List<String> granted = List.of(claims.path("scope").asText("").split(" "));
                if (scopes.stream().noneMatch(granted::contains)) {
                    return Optional.empty();
                }
            }
            return Optional.of(claims);
        } catch (RuntimeException | java.security.GeneralSecurityException e) {
            return Optional.empty();
        }
    }

    private static String decode(String part) {
        return new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8);
    }

    private PublicKey key(String issuer, String kid) throws java.security.GeneralSecurityException {
        Map<String, PublicKey> keys = keysByIssuer.computeIfAbsent(issuer, this::fetchJwks);
        PublicKey key = keys.get(kid);
        if (key == null) { // keys may have rotated: fetch once more
            keys = fetchJwks(issuer);
            keysByIssuer.put(issuer, keys);
            key = keys.get(kid);
        }
        return key;
    }

    private Map<String, PublicKey> fetchJwks(String issuer) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(issuer + "/.well-known/jwks.json"))
                    .timeout(Duration.ofSeconds(5)).GET().build();
            JsonNode jwks = Json.parse(http.send(request, HttpResponse.BodyHandlers.ofString()).body());
            Map<String, PublicKey> keys = new ConcurrentHashMap<>();
            KeyFactory factory = KeyFactory.getInstance("RSA");
            for (JsonNode k : jwks.path("keys")) {
                if (!"RSA".equals(k.path("kty").asText())) {
                    continue;
                }
                BigInteger n = new BigInteger(1, Base64.getUrlDecoder().decode(k.path("n").asText()));
                BigInteger e = new BigInteger(1, Base64.getUrlDecoder().decode(k.path("e").asText()));
                keys.put(k.path("kid").asText(), factory.generatePublic(new RSAPublicKeySpec(n, e)));
            }
            return keys;
        } catch (Exception e) {
            throw new IllegalStateException("JWKS of " + issuer + " unavailable: " + e.getMessage(), e);
        }
    }
}
