package dev.serverlesskit.infra;

import software.constructs.IConstruct;

/** Finding constructs by path without reading the whole tree. */
final class ConstructPaths {
    private ConstructPaths() {
    }

    /**
     * The construct at {@code relativePath} ({@code a/b/c}) below {@code from}, found child by child, or null: a
     * handful of jsii round trips, where {@code findAll()} and a {@code getPath()} on every construct cost hundreds.
     */
    static IConstruct tryDescendant(IConstruct from, String relativePath) {
        IConstruct current = from;
        for (String id : relativePath.split("/")) {
            current = current.getNode().tryFindChild(id);
            if (current == null) {
                return null;
            }
        }
        return current;
    }
}
