package dev.serverlesskit.app.delivery;

import dev.serverlesskit.app.common.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks the new versions of a deployment before they get traffic: each target function's version is invoked
 * with its {@link Probe}, and any wrong answer fails the check. Pure logic: invoking and reporting are given.
 */
public final class TrafficHook {
    /** One function version to check. */
    public record Target(String name, String functionArn, Probe probe, String deploymentGroup) {
    }

    /** Invokes a function synchronously. */
    public interface Invoker {
        /** Lambda's answer: the payload, and its {@code FunctionError} (null when the handler returned). */
        Result invoke(String functionArn, String payload);

        record Result(String functionError, String payload) {
        }
    }

    private final List<Target> targets;

    public TrafficHook(List<Target> targets) {
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("no function to check");
        }
        this.targets = List.copyOf(targets);
    }

    /**
     * The targets from the hook's configuration: a JSON list of {@code {"name", "function" (version ARN),
     * "probe" (a Probe id), "deploymentGroup" (optional: the CodeDeploy deployment group that deploys it)}}.
     */
    public static TrafficHook fromJson(String json) {
        Object parsed;
        try {
            parsed = Json.parse(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("HOOK_TARGETS is not JSON: " + e.getMessage(), e);
        }
        if (!(parsed instanceof List<?> list)) {
            throw new IllegalArgumentException("HOOK_TARGETS must be a JSON list of {name, function, probe}");
        }
        List<Target> targets = new ArrayList<>();
        for (Object item : list) {
            if (!(item instanceof Map<?, ?> m) || !(m.get("name") instanceof String name)
                    || !(m.get("function") instanceof String function) || !(m.get("probe") instanceof String probe)) {
                throw new IllegalArgumentException("HOOK_TARGETS items must be {name, function, probe}: " + item);
            }
            targets.add(new Target(name, function, Probe.byId(probe),
                    m.get("deploymentGroup") instanceof String group ? group : null));
        }
        return new TrafficHook(targets);
    }

    public List<Target> targets() {
        return targets;
    }

    /**
     * Only what one deployment group deploys: each function has its own group, and every group's deployment calls
     * the hook, so checking only its own function keeps the probes off the others (whose reserved concurrency may be
     * small). A get-pet check keeps the list-pets target too, to learn a pet that exists.
     *
     * @throws IllegalArgumentException when no target names the group
     */
    public TrafficHook forDeploymentGroup(String deploymentGroup) {
        List<Target> own = targets.stream().filter(t -> deploymentGroup.equals(t.deploymentGroup())).toList();
        if (own.isEmpty()) {
            throw new IllegalArgumentException("no function to check for deployment group '" + deploymentGroup + "'");
        }
        List<Target> selected = new ArrayList<>(own);
        if (own.stream().anyMatch(t -> t.probe() == Probe.GET_PET)) {
            targets.stream().filter(t -> t.probe() == Probe.LIST_PETS && !selected.contains(t)).findFirst()
                    .ifPresent(selected::add);
        }
        return new TrafficHook(selected);
    }

    /** Every failure, as "name: what is wrong"; empty when every new version answered right. */
    public List<String> check(Invoker invoker) {
        // the catalog's first pet, when a list-pets target answers with one, is what get-pet must read
        String knownPetId = null;
        List<String> failures = new ArrayList<>();
        List<Target> ordered = new ArrayList<>(targets);
        ordered.sort((a, b) -> Boolean.compare(a.probe() != Probe.LIST_PETS, b.probe() != Probe.LIST_PETS));
        for (Target target : ordered) {
            String failure;
            try {
                Invoker.Result result = invoker.invoke(target.functionArn(), target.probe().event(knownPetId));
                failure = target.probe().check(result.functionError(), result.payload(), knownPetId);
                if (failure == null && target.probe() == Probe.LIST_PETS && knownPetId == null) {
                    knownPetId = Probe.firstPetId(result.payload());
                }
            } catch (RuntimeException e) {
                failure = "could not be invoked: " + e;
            }
            if (failure != null) {
                failures.add(target.name() + ": " + failure);
            }
        }
        return failures;
    }
}
