package dev.serverlesskit.constructs;

import java.util.List;
import java.util.Map;

/** Reads statements, actions and resources out of a synthesized IAM policy resource. */
final class IamStatements {
    private IamStatements() {
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> of(Map<String, Object> policyResource) {
        Map<String, Object> props = (Map<String, Object>) policyResource.get("Properties");
        Map<String, Object> document = (Map<String, Object>) props.get("PolicyDocument");
        return (List<Map<String, Object>>) document.get("Statement");
    }

    static List<String> actions(Map<String, Object> statement) {
        return strings(statement.get("Action"));
    }

    static List<String> resources(Map<String, Object> statement) {
        return strings(statement.get("Resource"));
    }

    private static List<String> strings(Object value) {
        if (value instanceof List<?> list) {
            return list.stream().map(IamStatements::render).toList();
        }
        return List.of(render(value));
    }

    private static String render(Object value) {
        return value instanceof String s ? s : String.valueOf(value);
    }
}
