package dev.serverlesskit.app.common;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.LinkedHashSet;

/**
 * The signed-in caller, from the Cognito authorizer claims API Gateway puts in
 * {@code requestContext.authorizer.claims}. Identity is the {@code sub} claim.
 */
public record Caller(String sub, Set<String> groups) {

    /** Null when there are no claims or no sub (the caller is anonymous). */
    static Caller fromAuthorizer(Map<String, Object> authorizer) {
        if (authorizer == null) {
            return null;
        }
        Object claims = authorizer.get("claims");
        if (!(claims instanceof Map<?, ?> map)) {
            return null;
        }
        Object sub = map.get("sub");
        if (!(sub instanceof String s) || s.isBlank()) {
            return null;
        }
        return new Caller(s, parseGroups(map.get("cognito:groups")));
    }

    /**
     * {@code cognito:groups} arrives in several shapes depending on the integration: {@code admins},
     * {@code admins,users}, {@code [admins users]}, {@code [admins, users]}, a JSON-ish {@code ["admins","users"]},
     * or a real list. All give the same set.
     */
    public static Set<String> parseGroups(Object raw) {
        Set<String> groups = new LinkedHashSet<>();
        if (raw == null) {
            return groups;
        }
        List<String> parts = new ArrayList<>();
        if (raw instanceof Collection<?> collection) {
            collection.forEach(v -> parts.add(String.valueOf(v)));
        } else {
            String s = String.valueOf(raw).trim();
            if (s.startsWith("[") && s.endsWith("]")) {
                s = s.substring(1, s.length() - 1);
            }
            parts.add(s);
        }
        for (String part : parts) {
            for (String token : part.split("[,\\s]+")) {
                String group = token.replace("\"", "").replace("'", "").trim();
                if (!group.isEmpty()) {
                    groups.add(group);
                }
            }
        }
        return groups;
    }

    public boolean inGroup(String group) {
        return groups.contains(group);
    }
}
