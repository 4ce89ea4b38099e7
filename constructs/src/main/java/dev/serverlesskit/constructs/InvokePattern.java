package dev.serverlesskit.constructs;

import java.util.ArrayList;
import java.util.List;

/**
 * What an {@code execute-api:Invoke} grant's resource path covers. IAM's {@code *} matches any characters, slashes
 * included, so {@code GET/orders/*} (granted for {@code GET /orders/{orderId}}) also covers
 * {@code GET /orders/{orderId}/notes}: IAM has no wildcard for one path segment. {@link ServerlessApi} uses this
 * to fail synthesis when a grant covers an IAM route the grantee was not granted.
 */
final class InvokePattern {
    private static final char ANY = '\u0000';       // IAM's *: any characters, none included
    private static final char SEGMENT = '\u0001';   // one character of a path parameter: anything but '/'
    private static final char SEGMENT_REST = '\u0002'; // the rest of a path parameter: any non-'/' characters

    private InvokePattern() {
    }

    /** The resource path a grant of {@code routePath} names: each path parameter as {@code *}. */
    static String of(String routePath) {
        return routePath.replaceAll("\\{[^}]+}", "*");
    }

    /**
     * Whether some request to the route {@code routePath} ({@code {name}} parameters: one or more characters other
     * than '/') has a path that the IAM pattern {@code pattern} matches.
     */
    static boolean covers(String pattern, String routePath) {
        List<Character> p = new ArrayList<>();
        for (char c : pattern.toCharArray()) {
            p.add(c == '*' ? ANY : c);
        }
        List<Character> r = new ArrayList<>();
        for (String part : routePath.split("(?=\\{)|(?<=})")) {
            if (part.startsWith("{") && part.endsWith("}")) {
                r.add(SEGMENT);
                r.add(SEGMENT_REST);
            } else {
                part.chars().forEach(c -> r.add((char) c));
            }
        }
        return new Search(p, r).from(0, 0);
    }

    /** Whether the two languages intersect, by a memoized walk over both token lists. */
    private static final class Search {
        private final List<Character> p;
        private final List<Character> r;
        private final Boolean[][] seen;

        Search(List<Character> p, List<Character> r) {
            this.p = p;
            this.r = r;
            this.seen = new Boolean[p.size() + 1][r.size() + 1];
        }

        /** Every step advances i or j, so the walk ends; the memo keeps it to one visit of each pair. */
        boolean from(int i, int j) {
            if (seen[i][j] == null) {
                seen[i][j] = step(i, j);
            }
            return seen[i][j];
        }

        private boolean step(int i, int j) {
            boolean pDone = i == p.size();
            boolean rDone = j == r.size();
            if (pDone && rDone) {
                return true;
            }
            if (pDone) {
                return r.get(j) == SEGMENT_REST && from(i, j + 1);
            }
            if (rDone) {
                return p.get(i) == ANY && from(i + 1, j);
            }
            char a = p.get(i);
            char b = r.get(j);
            if (a == ANY) {
                // the * ends here, or takes the route's next character (the rest of a parameter may also end)
                return from(i + 1, j) || from(i, j + 1);
            }
            if (b == SEGMENT_REST) {
                return from(i, j + 1) || (a != '/' && from(i + 1, j));
            }
            if (b == SEGMENT) {
                return a != '/' && from(i + 1, j + 1);
            }
            return a == b && from(i + 1, j + 1);
        }
    }
}
