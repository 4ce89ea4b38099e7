package dev.serverlesskit.tools.review;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.serverlesskit.tools.Fixtures;
import dev.serverlesskit.tools.cfn.AppModel;
import dev.serverlesskit.tools.cfn.Template;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Who may call each route, before and after: what lets more callers in is a broadening. */
class AccessChangesTest {
    private static ObjectNode dev() {
        return Fixtures.dev();
    }

    private static List<AccessChanges.RouteChange> diff(Consumer<ObjectNode> change) {
        ObjectNode after = dev();
        change.accept(after);
        return AccessChanges.diff(new AppModel(new Template(dev(), "dev/ServerlessKit", null)),
                new AppModel(new Template(after, "dev/ServerlessKit", null)));
    }

    private static ObjectNode variables(ObjectNode t, String route) {
        String fn = new AppModel(new Template(t, "dev/ServerlessKit", null)).route(route).orElseThrow().functionId();
        return (ObjectNode) t.path("Resources").path(fn).path("Properties").path("Environment").path("Variables");
    }

    @Test
    void theSameTemplateHasNoAccessChange() {
        assertThat(diff(t -> { })).isEmpty();
    }

    @Test
    void relaxingWhatTheFunctionEnforcesAloneIsABroadening() {
        // the method still declares groups:admins; only the function's own check is opened to every signed-in user
        List<AccessChanges.RouteChange> changes = diff(t -> {
            ObjectNode vars = variables(t, "POST /pets");
            JsonNode access = dev.serverlesskit.tools.cfn.Json.parse(vars.path(AppModel.ROUTE_ACCESS_VARIABLE)
                    .asText());
            ((ObjectNode) access).put("POST /pets", "authenticated");
            vars.put(AppModel.ROUTE_ACCESS_VARIABLE, access.toString());
        });

        assertThat(changes).singleElement().satisfies(c -> {
            assertThat(c.route()).isEqualTo("POST /pets");
            assertThat(c.broadenings()).containsExactly("the function enforces authenticated (was groups:admins)");
        });
    }

    @Test
    void aRouteMissingFromTheFunctionsVariableIsShownButNotABroadeningBecauseTheFunctionRefusesIt() {
        List<AccessChanges.RouteChange> changes = diff(t -> variables(t, "POST /pets")
                .put(AppModel.ROUTE_ACCESS_VARIABLE, "{\"GET /pets\":\"public\"}"));

        assertThat(changes).singleElement().satisfies(c -> {
            assertThat(AccessChanges.describe(c.after()))
                    .endsWith("⚠ the function's SERVERLESSKIT_ROUTE_ACCESS does not name this route");
            assertThat(c.broadened()).isFalse();
        });
    }

    @Test
    void aFunctionCheckingMoreGroupsThanDeclaredIsABroadening() {
        List<AccessChanges.RouteChange> changes = diff(t -> {
            ObjectNode vars = variables(t, "POST /pets");
            vars.put(AppModel.ROUTE_ACCESS_VARIABLE, vars.path(AppModel.ROUTE_ACCESS_VARIABLE).asText()
                    .replace("groups:admins", "groups:admins,users"));
        });

        assertThat(changes).singleElement().satisfies(c -> assertThat(c.broadenings())
                .containsExactly("the function enforces groups:admins,users (was groups:admins)"));
    }

    @Test
    void aGroupRouteOpenedToEveryoneIsABroadeningWithTheReasonShown() {
        List<AccessChanges.RouteChange> changes = diff(t -> {
            String method = new AppModel(new Template(t, "dev/ServerlessKit", null)).route("POST /pets")
                    .orElseThrow().methodId();
            ObjectNode props = (ObjectNode) t.path("Resources").path(method).path("Properties");
            props.put("AuthorizationType", "NONE");
            props.remove("AuthorizerId");
        });

        assertThat(changes).singleElement().satisfies(c -> assertThat(c.broadenings())
                .contains("groups:admins → public"));
    }

    private static List<String> publicRoutes() {
        return new AppModel(new Template(dev(), "dev/ServerlessKit", null)).routes().stream()
                .filter(r -> r.access().kind().equals("public")).map(AppModel.Route::key).toList();
    }

    private static ObjectNode rateRule(ObjectNode t) {
        for (JsonNode resource : t.path("Resources")) {
            if (resource.path("Type").asText().equals("AWS::WAFv2::WebACL")) {
                return (ObjectNode) resource.path("Properties").path("Rules").path(0);
            }
        }
        throw new AssertionError("the dev template has no web ACL");
    }

    @Test
    void aStageWithoutItsWebAclChangesEveryRouteAndBroadensThePublicOnes() {
        List<AccessChanges.RouteChange> changes = diff(t -> {
            List<String> associations = new java.util.ArrayList<>();
            t.path("Resources").fields().forEachRemaining(e -> {
                if (e.getValue().path("Type").asText().equals("AWS::WAFv2::WebACLAssociation")) {
                    associations.add(e.getKey());
                }
            });
            ((ObjectNode) t.path("Resources")).remove(associations);
        });

        assertThat(publicRoutes()).isNotEmpty();
        assertThat(changes).hasSize(new AppModel(new Template(dev(), "dev/ServerlessKit", null)).routes().size());
        assertThat(changes).filteredOn(AccessChanges.RouteChange::broadened).extracting(AccessChanges.RouteChange::route)
                .containsExactlyInAnyOrderElementsOf(publicRoutes());
        assertThat(changes).filteredOn(AccessChanges.RouteChange::broadened).allSatisfy(c ->
                assertThat(c.broadenings()).containsExactly(
                        "public route no longer limited per client (was 1000 per 5 min per IP (WAF))"));
    }

    @Test
    void aRateRuleThatOnlyCountsLimitsNoOne() {
        List<AccessChanges.RouteChange> changes = diff(t -> {
            ObjectNode action = (ObjectNode) rateRule(t).path("Action");
            action.removeAll();
            action.putObject("Count");
        });

        assertThat(changes).filteredOn(AccessChanges.RouteChange::broadened).extracting(AccessChanges.RouteChange::route)
                .containsExactlyInAnyOrderElementsOf(publicRoutes());
    }

    @Test
    void raisingTheLimitPerClientBroadensLoweringItDoesNot() {
        List<AccessChanges.RouteChange> raised = diff(t -> ((ObjectNode) rateRule(t).path("Statement")
                .path("RateBasedStatement")).put("Limit", 5000));
        List<AccessChanges.RouteChange> lowered = diff(t -> ((ObjectNode) rateRule(t).path("Statement")
                .path("RateBasedStatement")).put("Limit", 500));
        // the same number of requests over a window twice as long is a lower rate
        List<AccessChanges.RouteChange> slower = diff(t -> ((ObjectNode) rateRule(t).path("Statement")
                .path("RateBasedStatement")).put("EvaluationWindowSec", 600));

        assertThat(raised).filteredOn(AccessChanges.RouteChange::broadened).hasSize(publicRoutes().size())
                .allSatisfy(c -> assertThat(c.broadenings()).containsExactly(
                        "per-client limit raised: 1000 per 5 min per IP (WAF) → 5000 per 5 min per IP (WAF)"));
        assertThat(lowered).isNotEmpty().noneMatch(AccessChanges.RouteChange::broadened);
        assertThat(slower).isNotEmpty().noneMatch(AccessChanges.RouteChange::broadened);
        assertThat(AccessChanges.describe(lowered.get(0).after())).endsWith("; per client 500 per 5 min per IP (WAF)");
    }
}
