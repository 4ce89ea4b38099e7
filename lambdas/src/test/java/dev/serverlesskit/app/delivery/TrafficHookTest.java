package dev.serverlesskit.app.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serverlesskit.app.common.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The hook's verdicts on answers, without any function: right answers pass, each kind of wrong one fails. */
class TrafficHookTest {
    private static final String TARGETS = "[{\"name\":\"GetPet\",\"function\":\"arn:get:7\",\"probe\":\"get-pet\"},"
            + "{\"name\":\"ListPets\",\"function\":\"arn:list:7\",\"probe\":\"list-pets\"},"
            + "{\"name\":\"AddPet\",\"function\":\"arn:add:7\",\"probe\":\"add-pet\"},"
            + "{\"name\":\"ClickProcessor\",\"function\":\"arn:proc:7\",\"probe\":\"process-clicks\"}]";

    private static TrafficHook.Invoker.Result api(int status, Object body) {
        return new TrafficHook.Invoker.Result(null, Json.write(Map.of("statusCode", status, "body", Json.write(body))));
    }

    /** Answers as working versions do, except what {@code broken} replaces. */
    private static TrafficHook.Invoker working(Map<String, TrafficHook.Invoker.Result> broken, List<String> calls) {
        return (arn, payload) -> {
            calls.add(arn + " " + payload);
            if (broken.containsKey(arn)) {
                return broken.get(arn);
            }
            return switch (arn) {
                case "arn:list:7" -> api(200, Map.of("items", List.of(Map.of("petId", "pet-1")), "nextCursor", ""));
                case "arn:get:7" -> payload.contains("\"petId\":\"pet-1\"") ? api(200, Map.of("petId", "pet-1"))
                        : api(404, Map.of("error", Map.of("code", "NOT_FOUND")));
                case "arn:add:7" -> api(400, Map.of("error", Map.of("code", "VALIDATION_FAILED",
                        "message", "field 'name' is required")));
                case "arn:proc:7" -> new TrafficHook.Invoker.Result(null, "{\"batchItemFailures\":[]}");
                default -> throw new IllegalStateException(arn);
            };
        };
    }

    @Test
    void workingVersionsPassAndGetPetReadsThePetTheCatalogListed() {
        List<String> calls = new ArrayList<>();
        assertThat(TrafficHook.fromJson(TARGETS).check(working(Map.of(), calls))).isEmpty();
        assertThat(calls.get(0)).startsWith("arn:list:7 ");
        assertThat(calls).anySatisfy(c -> assertThat(c).startsWith("arn:get:7").contains("\"path\":\"/pets/pet-1\""));
        assertThat(calls).anySatisfy(c -> assertThat(c).startsWith("arn:proc:7").contains(
                Json.write(ProbeMessage.BODY)));
    }

    @Test
    void eachWrongAnswerFailsNamingTheFunction() {
        List<String> calls = new ArrayList<>();
        List<String> failures = TrafficHook.fromJson(TARGETS).check(working(Map.of(
                "arn:get:7", api(200, Map.of("petId", "pet-2")),
                "arn:add:7", api(201, Map.of("petId", "pet-3")),
                "arn:proc:7", new TrafficHook.Invoker.Result(null,
                        "{\"batchItemFailures\":[{\"itemIdentifier\":\"pre-traffic-hook-probe\"}]}")), calls));
        assertThat(failures).hasSize(3);
        assertThat(failures).anySatisfy(f -> assertThat(f).startsWith("GetPet: expected 200 with petId pet-1"));
        assertThat(failures).anySatisfy(f -> assertThat(f).startsWith("AddPet: expected 400, got 201"));
        assertThat(failures).anySatisfy(f -> assertThat(f).startsWith("ClickProcessor: the probe message was not acknowledged"));
    }

    @Test
    void aFunctionErrorAnUnreadableAnswerOrAFailedInvokeFails() {
        List<String> failures = TrafficHook.fromJson(TARGETS).check(working(Map.of(
                "arn:list:7", new TrafficHook.Invoker.Result("Unhandled", "{\"errorMessage\":\"boom\"}"),
                "arn:add:7", new TrafficHook.Invoker.Result(null, "not json")), new ArrayList<>()));
        assertThat(failures).contains("ListPets: the function failed (Unhandled): {\"errorMessage\":\"boom\"}",
                "AddPet: the answer is not a JSON object: not json");

        TrafficHook.Invoker unreachable = (arn, payload) -> {
            throw new IllegalStateException("connection refused");
        };
        assertThat(TrafficHook.fromJson(TARGETS).check(unreachable)).hasSize(4)
                .allSatisfy(f -> assertThat(f).contains("could not be invoked: java.lang.IllegalStateException"));
    }

    @Test
    void withAnEmptyCatalogGetPetMustAnswer404ForAnAbsentPet() {
        TrafficHook hook = TrafficHook.fromJson("[{\"name\":\"ListPets\",\"function\":\"l\",\"probe\":\"list-pets\"},"
                + "{\"name\":\"GetPet\",\"function\":\"g\",\"probe\":\"get-pet\"}]");
        assertThat(hook.check((arn, payload) -> arn.equals("l") ? api(200, Map.of("items", List.of()))
                : api(404, Map.of("error", Map.of("code", "NOT_FOUND"))))).isEmpty();
        assertThat(hook.check((arn, payload) -> arn.equals("l") ? api(200, Map.of("items", List.of()))
                : api(200, Map.of("petId", Probe.ABSENT_PET)))).containsExactly(
                "GetPet: expected 404, got 200 {\"petId\":\"pet-pre-traffic-hook\"}");
    }

    @Test
    void aDeploymentChecksOnlyItsGroupsFunctionPlusTheCatalogForGetPet() {
        TrafficHook hook = TrafficHook.fromJson("[{\"name\":\"ListPets\",\"function\":\"l\",\"probe\":\"list-pets\","
                + "\"deploymentGroup\":\"g-list\"},{\"name\":\"GetPet\",\"function\":\"g\",\"probe\":\"get-pet\","
                + "\"deploymentGroup\":\"g-get\"},{\"name\":\"AddPet\",\"function\":\"a\",\"probe\":\"add-pet\","
                + "\"deploymentGroup\":\"g-add\"}]");
        assertThat(hook.forDeploymentGroup("g-add").targets()).extracting(TrafficHook.Target::name).containsExactly("AddPet");
        assertThat(hook.forDeploymentGroup("g-get").targets()).extracting(TrafficHook.Target::name)
                .containsExactly("GetPet", "ListPets");
        assertThatThrownBy(() -> hook.forDeploymentGroup("g-other"))
                .hasMessage("no function to check for deployment group 'g-other'");
    }

    @Test
    void aMalformedConfigurationIsRefused() {
        assertThatThrownBy(() -> TrafficHook.fromJson("[{\"name\":\"X\",\"function\":\"f\",\"probe\":\"delete-all\"}]"))
                .hasMessage("unknown probe 'delete-all'");
        assertThatThrownBy(() -> TrafficHook.fromJson("{}")).hasMessageContaining("must be a JSON list");
        assertThatThrownBy(() -> TrafficHook.fromJson("[]")).hasMessage("no function to check");
    }
}
