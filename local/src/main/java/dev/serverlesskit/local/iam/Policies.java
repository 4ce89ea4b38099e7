package dev.serverlesskit.local.iam;

import java.util.List;

/**
 * What IAM evaluates for one role: its identity-based statements (inline policies, policies attached to it, customer
 * managed policies of the template), its permissions boundary ({@code null} when it has none) and what could not be
 * read ({@code unevaluable}, e.g. an AWS managed policy ARN: its statements are not in the template).
 */
public record Policies(List<Statement> identity, List<Statement> boundary, List<String> unevaluable) {
    public Policies {
        identity = List.copyOf(identity);
        boundary = boundary == null ? null : List.copyOf(boundary);
        unevaluable = List.copyOf(unevaluable);
    }

    /** The same policies with one action removed from one statement (identified by its source). */
    /** The same policies with one action removed from one resource of one statement (identified by its source). */
    public Policies without(String statementSource, String action, String resource) {
        return new Policies(identity.stream().flatMap(s -> s.source().equals(statementSource)
                ? s.without(action, resource).stream() : java.util.stream.Stream.of(s)).toList(), boundary, unevaluable);
    }

    public Policies without(String statementSource, String action) {
        return new Policies(identity.stream().map(s -> s.source().equals(statementSource) ? s.without(action) : s)
                .toList(), boundary, unevaluable);
    }
}
