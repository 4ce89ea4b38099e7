package dev.serverlesskit.local.iam;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Who makes a request, as IAM sees it: the role session of a function ({@code arn:aws:sts::<account>:assumed-role/
 * <role>/<function>}), its role and account, and the request context keys the evaluator knows. A condition key in
 * {@code keys} has that value; one in {@code absentKeys} is known to be missing from the request (as on AWS for
 * such a caller); any other key is not modeled, and a condition on it cannot be evaluated.
 */
public record Caller(String account, String roleArn, String sessionArn, Map<String, String> keys,
                     Set<String> absentKeys) {
    public Caller {
        Map<String, String> k = new TreeMap<>();
        keys.forEach((name, value) -> k.put(name.toLowerCase(Locale.ROOT), value));
        keys = Map.copyOf(k);
        Set<String> a = new TreeSet<>();
        absentKeys.forEach(name -> a.add(name.toLowerCase(Locale.ROOT)));
        absentKeys = Set.copyOf(a);
    }

    /** The role session of a function, with the context keys of an SDK call over HTTPS from Lambda. */
    public static Caller functionRole(String account, String region, String roleName, String roleId,
                                      String sessionName) {
        String roleArn = "arn:aws:iam::" + account + ":role/" + roleName;
        String sessionArn = "arn:aws:sts::" + account + ":assumed-role/" + roleName + "/" + sessionName;
        return new Caller(account, roleArn, sessionArn, Map.of(
                "aws:SecureTransport", "true",
                "aws:PrincipalArn", roleArn,
                "aws:PrincipalAccount", account,
                "aws:PrincipalType", "AssumedRole",
                "aws:RequestedRegion", region,
                "aws:userid", roleId + ":" + sessionName,
                "aws:ViaAWSService", "false",
                "aws:PrincipalIsAWSService", "false"),
                Set.of("aws:SourceArn", "aws:SourceAccount", "aws:SourceOwner", "aws:username",
                        "aws:MultiFactorAuthPresent", "aws:MultiFactorAuthAge", "aws:CalledVia",
                        "aws:CalledViaFirst", "aws:CalledViaLast", "aws:PrincipalServiceName"));
    }

    enum Presence { PRESENT, ABSENT, UNKNOWN }

    Presence presence(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        if (keys.containsKey(k)) {
            return Presence.PRESENT;
        }
        return absentKeys.contains(k) ? Presence.ABSENT : Presence.UNKNOWN;
    }

    String value(String key) {
        return keys.get(key.toLowerCase(Locale.ROOT));
    }
}
