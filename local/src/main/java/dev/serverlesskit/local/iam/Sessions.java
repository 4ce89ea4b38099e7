package dev.serverlesskit.local.iam;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The temporary credentials of each function's role session, as Lambda issues them: an access key id, a secret and a
 * session token per function (never shared), and the authorization token of the container credentials endpoint for
 * functions that get their credentials from it (SnapStart). Every signed request an engine receives is traced back
 * to its session, hence to the function and the role.
 */
public final class Sessions {
    /** How long issued credentials are valid, as the container endpoint reports them (never enforced here). */
    static final Duration VALIDITY = Duration.ofHours(12);
    private static final String KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    /** One function's role session. {@code name} is the function's name (the session name Lambda uses). */
    public record Session(String function, String name, IamModel.Role role, Caller caller, String accessKeyId,
                          String secretAccessKey, String sessionToken, String containerToken, Instant expiration) {
        public String principal() {
            return caller.sessionArn();
        }

        @Override
        public String toString() {
            return "Session[" + name + " as " + caller.sessionArn() + "]"; // never the secret
        }
    }

    private final SecureRandom random = new SecureRandom();
    private final String account;
    private final String region;
    private final Map<String, Session> byAccessKey = new ConcurrentHashMap<>();
    private final Map<String, Session> byContainerToken = new ConcurrentHashMap<>();

    public Sessions(String account, String region) {
        this.account = account;
        this.region = region;
    }

    public Session issue(String functionLogicalId, String functionName, IamModel.Role role) {
        Caller caller = Caller.functionRole(account, region, role.name(), role.roleId(), functionName);
        Session s = new Session(functionLogicalId, functionName, role, caller, "ASIA" + chars(16), base64(30),
                base64(96), base64(48), Instant.now().plus(VALIDITY));
        byAccessKey.put(s.accessKeyId(), s);
        byContainerToken.put(s.containerToken(), s);
        return s;
    }

    public Session byAccessKey(String accessKeyId) {
        return accessKeyId == null ? null : byAccessKey.get(accessKeyId);
    }

    public Session byContainerToken(String token) {
        return token == null ? null : byContainerToken.get(token);
    }

    public String region() {
        return region;
    }

    private String chars(int n) {
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append(KEY_ALPHABET.charAt(random.nextInt(KEY_ALPHABET.length())));
        }
        return b.toString();
    }

    private String base64(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return java.util.Base64.getEncoder().encodeToString(b);
    }
}
