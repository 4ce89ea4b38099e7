package dev.serverlesskit.infra;

import java.util.HashMap;
import java.util.Map;
import software.constructs.IConstruct;
import software.constructs.Node;

/**
 * Finding constructs by path without reading the whole tree: child by child, each a couple of jsii round trips,
 * where {@code findAll()} and a {@code getPath()} on every construct cost hundreds.
 */
final class ConstructPaths {
    /** Every path looked up so far, relative to the root ("" is the root), and what it found (null: nothing). */
    private final Map<String, IConstruct> constructs = new HashMap<>();
    private final Map<String, Node> nodes = new HashMap<>();

    /**
     * Finds constructs below {@code root}, looking each path prefix up once however many paths share it: for a tree
     * that no longer grows where it is looked up (a construct added after a lookup that missed it stays missed).
     */
    ConstructPaths(IConstruct root) {
        constructs.put("", root);
    }

    /** The construct at {@code relativePath} ({@code a/b/c}) below {@code from}, or null. */
    static IConstruct tryDescendant(IConstruct from, String relativePath) {
        return new ConstructPaths(from).tryFind(relativePath);
    }

    /** The construct at {@code relativePath} ({@code a/b/c}) below this finder's root, or null. */
    IConstruct tryFind(String relativePath) {
        if (constructs.containsKey(relativePath)) {
            return constructs.get(relativePath);
        }
        int slash = relativePath.lastIndexOf('/');
        String parentPath = slash < 0 ? "" : relativePath.substring(0, slash);
        IConstruct parent = tryFind(parentPath);
        IConstruct found = null;
        if (parent != null) {
            Node parentNode = nodes.computeIfAbsent(parentPath, path -> parent.getNode());
            found = parentNode.tryFindChild(relativePath.substring(slash + 1));
        }
        constructs.put(relativePath, found);
        return found;
    }
}
