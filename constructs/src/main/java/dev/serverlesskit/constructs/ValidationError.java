package dev.serverlesskit.constructs;

import software.constructs.IConstruct;

/**
 * Invalid props or an invalid use of a construct, found at synthesis: the message starts with the path of the
 * construct at fault ({@code Stack/Orders: DataTableProps.sortKey ...}), as aws-cdk-lib's own validation errors name
 * their construct. It is an {@link IllegalArgumentException}, so code that caught the library's earlier errors still
 * catches it.
 */
public class ValidationError extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String constructPath;
    private final String problem;

    ValidationError(IConstruct scope, String problem) {
        this(scope.getNode().getPath(), problem);
    }

    ValidationError(String constructPath, String problem) {
        super(constructPath.isEmpty() ? problem : constructPath + ": " + problem);
        this.constructPath = constructPath;
        this.problem = problem;
    }

    /** The path of the construct whose props or use are invalid. */
    public String getConstructPath() {
        return constructPath;
    }

    /** The problem, without the construct path. */
    public String getProblem() {
        return problem;
    }
}
