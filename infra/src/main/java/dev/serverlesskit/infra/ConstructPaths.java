package dev.serverlesskit.infra;

import software.constructs.IConstruct;

/** Finding a construct by its path below another, child by child. */
final class ConstructPaths {
    private ConstructPaths() {
    }

    /** The construct at {@code relativePath} ({@code a/b/c}, each segment a child's id) below {@code from}, or null. */
    static IConstruct tryDescendant(IConstruct from, String relativePath) {
        IConstruct found = from;
        for (String id : relativePath.split("/")) {
            found = found.getNode().tryFindChild(id);
            if (found == null) {
                return null;
            }
        }
        return found;
    }
}
