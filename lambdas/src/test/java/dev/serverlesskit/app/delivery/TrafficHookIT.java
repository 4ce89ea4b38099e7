package dev.serverlesskit.app.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import dev.serverlesskit.app.adclicks.CampaignStatsHandler;
import dev.serverlesskit.app.adclicks.ClickProcessorHandler;
import dev.serverlesskit.app.common.Json;
import dev.serverlesskit.app.petstore.AddPetHandler;
import dev.serverlesskit.app.petstore.GetPetHandler;
import dev.serverlesskit.app.petstore.ListPetsHandler;
import dev.serverlesskit.app.petstore.ListPurchasesHandler;
import dev.serverlesskit.app.petstore.PurchasePetHandler;
import dev.serverlesskit.app.testing.FakeContext;
import dev.serverlesskit.app.testing.LocalAws;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The hook against the real handlers on dynalite, invoked with the JSON Lambda would pass them: the new versions
 * of a working app pass; a deployment where one function runs the wrong code fails, naming it.
 */
@ExtendWith(LocalAws.class)
class TrafficHookIT {
    private static final String TARGETS = "[{\"name\":\"ListPets\",\"function\":\"list\",\"probe\":\"list-pets\"},"
            + "{\"name\":\"GetPet\",\"function\":\"get\",\"probe\":\"get-pet\"},"
            + "{\"name\":\"AddPet\",\"function\":\"add\",\"probe\":\"add-pet\"},"
            + "{\"name\":\"PurchasePet\",\"function\":\"purchase\",\"probe\":\"purchase-pet\"},"
            + "{\"name\":\"ListPurchases\",\"function\":\"purchases\",\"probe\":\"list-purchases\"},"
            + "{\"name\":\"CampaignStats\",\"function\":\"stats\",\"probe\":\"campaign-stats\"},"
            + "{\"name\":\"ClickProcessor\",\"function\":\"processor\",\"probe\":\"process-clicks\"}]";

    /** Runs handlers in this JVM as Lambda would: the JSON payload in, the JSON answer (or a function error) out. */
    private static TrafficHook.Invoker inProcess(Map<String, RequestHandler<?, ?>> handlers) {
        return (arn, payload) -> {
            Path file;
            try {
                file = Files.createTempFile("probe", ".json");
                Files.writeString(file, payload);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            try {
                Object handler = handlers.get(arn);
                if (handler instanceof ClickProcessorHandler processor) {
                    SQSBatchResponse r = processor.handleRequest(EventLoader.loadSQSEvent(file.toString()), new FakeContext());
                    List<Object> failures = new ArrayList<>();
                    r.getBatchItemFailures().forEach(f -> failures.add(Map.of("itemIdentifier", f.getItemIdentifier())));
                    return new TrafficHook.Invoker.Result(null, Json.write(Map.of("batchItemFailures", failures)));
                }
                @SuppressWarnings("unchecked")
                RequestHandler<com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent,
                        APIGatewayProxyResponseEvent> api = (RequestHandler<com.amazonaws.services.lambda.runtime.events
                        .APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent>) handler;
                APIGatewayProxyResponseEvent r = api.handleRequest(
                        EventLoader.loadApiGatewayRestEvent(file.toString()), new FakeContext());
                Map<String, Object> answer = new LinkedHashMap<>();
                answer.put("statusCode", r.getStatusCode());
                answer.put("body", r.getBody());
                return new TrafficHook.Invoker.Result(null, Json.write(answer));
            } catch (RuntimeException e) {
                return new TrafficHook.Invoker.Result("Unhandled", Json.write(Map.of("errorMessage", String.valueOf(e))));
            }
        };
    }

    private static Map<String, RequestHandler<?, ?>> workingApp() {
        Map<String, RequestHandler<?, ?>> handlers = new LinkedHashMap<>();
        handlers.put("list", new ListPetsHandler());
        handlers.put("get", new GetPetHandler());
        handlers.put("add", new AddPetHandler());
        handlers.put("purchase", new PurchasePetHandler());
        handlers.put("purchases", new ListPurchasesHandler());
        handlers.put("stats", new CampaignStatsHandler());
        handlers.put("processor", new ClickProcessorHandler());
        return handlers;
    }

    @Test
    void theNewVersionsOfAWorkingAppPass() {
        assertThat(TrafficHook.fromJson(TARGETS).check(inProcess(workingApp()))).isEmpty();
    }

    @Test
    void aFunctionDeployedWithTheWrongHandlerFailsTheHookNamingIt() {
        Map<String, RequestHandler<?, ?>> broken = workingApp();
        // GET /pets/{petId} served by the catalog's list code: a 200, but not the pet
        broken.put("get", new ListPetsHandler());
        List<String> failures = TrafficHook.fromJson(TARGETS).check(inProcess(broken));
        assertThat(failures).hasSize(1);
        assertThat(failures.get(0)).startsWith("GetPet: ");
    }
}
