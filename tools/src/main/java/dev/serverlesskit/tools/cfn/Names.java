package dev.serverlesskit.tools.cfn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Short, unique names for a template's resources, from their construct paths: the shortest path suffix no other
 * resource shares. Generic trailing construct ids ({@code Function}, {@code Table}, {@code Queue}...) are dropped for
 * the resource that a path is "about" (the function of {@code PetStore/AddPet/Function} is "AddPet", the table of
 * {@code PetStore/Pets/Table} is "Pets"), and a generic id is never a name on its own ("Processor/Queue", not
 * "Queue").
 */
final class Names {
    private static final Set<String> GENERIC = Set.of("Resource", "Default", "Function", "Table", "Queue", "Consumer",
            "Topic", "Key", "UserPool", "Api", "Bucket", "Pipeline");
    /** Which resource a shared stripped path names, most specific first. */
    private static final List<String> PRIORITY = List.of("AWS::Lambda::Function", "AWS::DynamoDB::Table",
            "AWS::SQS::Queue", "AWS::SNS::Topic", "AWS::Cognito::UserPool", "AWS::ApiGateway::RestApi",
            "AWS::S3::Bucket", "AWS::KMS::Key", "AWS::CodePipeline::Pipeline");

    private final Map<String, String> names = new HashMap<>();

    Names(Template template) {
        Map<String, List<String>> full = new LinkedHashMap<>();
        Map<String, List<String>> byStripped = new LinkedHashMap<>();
        for (String id : template.resources().keySet()) {
            List<String> segments = Arrays.asList(template.path(id).split("/"));
            full.put(id, segments);
            byStripped.computeIfAbsent(String.join("/", strip(segments)), k -> new ArrayList<>()).add(id);
        }
        Map<String, List<String>> chosen = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> group : byStripped.entrySet()) {
            String owner = owner(template, group.getValue());
            for (String id : group.getValue()) {
                chosen.put(id, id.equals(owner) ? Arrays.asList(group.getKey().split("/")) : full.get(id));
            }
        }
        for (Map.Entry<String, List<String>> e : chosen.entrySet()) {
            names.put(e.getKey(), shortestUniqueSuffix(e.getKey(), e.getValue(), chosen));
        }
    }

    String of(String logicalId) {
        return names.getOrDefault(logicalId, logicalId);
    }

    private static List<String> strip(List<String> segments) {
        int end = segments.size();
        while (end > 1 && GENERIC.contains(segments.get(end - 1))) {
            end--;
        }
        return segments.subList(0, end);
    }

    /** The one resource of a group that gets the stripped name, or null when none stands out. */
    private static String owner(Template template, List<String> ids) {
        if (ids.size() == 1) {
            return ids.get(0);
        }
        for (String type : PRIORITY) {
            List<String> ofType = ids.stream().filter(id -> template.type(id).equals(type)).toList();
            if (ofType.size() == 1) {
                return ofType.get(0);
            }
            if (ofType.size() > 1) {
                return null;
            }
        }
        return null;
    }

    private static String shortestUniqueSuffix(String id, List<String> segments, Map<String, List<String>> all) {
        for (int length = 1; length <= segments.size(); length++) {
            List<String> suffix = segments.subList(segments.size() - length, segments.size());
            if (length == 1 && GENERIC.contains(suffix.get(0)) && segments.size() > 1) {
                continue;
            }
            boolean unique = true;
            for (Map.Entry<String, List<String>> other : all.entrySet()) {
                List<String> o = other.getValue();
                if (!other.getKey().equals(id) && o.size() >= length
                        && o.subList(o.size() - length, o.size()).equals(suffix)) {
                    unique = false;
                    break;
                }
            }
            if (unique) {
                return String.join("/", suffix);
            }
        }
        return String.join("/", segments);
    }
}
