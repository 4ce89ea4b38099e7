package dev.serverlesskit.constructs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.apigateway.ThrottleSettings;
import software.amazon.awscdk.services.apigateway.UsagePlanProps;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;

/** Authorization per route beyond Cognito (IAM, a Lambda request authorizer, API keys), and the route variable. */
class RouteAuthorizationTest {
    private final Stack stack = TestStacks.stack();
    private final JavaFunction fn = new JavaFunction(stack, "Fn", TestStacks.function().build());

    private ServerlessApi api(String id) {
        return new ServerlessApi(stack, id, ServerlessApiProps.builder().build());
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> variablesOf(String functionLogicalIdPrefix) {
        Map<String, Map<String, Object>> functions = Template.fromStack(stack).findResources("AWS::Lambda::Function");
        return functions.entrySet().stream().filter(e -> e.getKey().startsWith(functionLogicalIdPrefix))
                .map(e -> (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) e.getValue()
                        .get("Properties")).get("Environment")).get("Variables"))
                .findFirst().orElseThrow();
    }

    @Test
    void anApiWithoutAUserPoolServesIamLambdaAuthorizerAndPublicRoutes() {
        JavaFunction decide = new JavaFunction(stack, "Decide", TestStacks.function().build());
        LambdaAuthorizer partners = LambdaAuthorizer.builder().name("partners").handler(decide)
                .identitySources(List.of("method.request.header.X-Partner-Token")).build();
        ServerlessApi api = api("Api");
        api.addRoute("GET", "/internal", fn, RouteAccess.iam());
        api.addRoute("GET", "/partner", fn, RouteAccess.lambdaAuthorizer(partners));
        api.addRoute("POST", "/partner", fn, RouteAccess.lambdaAuthorizer(partners));
        api.addRoute("GET", "/health", fn, RouteAccess.publicAccess("load balancer probe"));
        Template template = Template.fromStack(stack);

        template.resourceCountIs("AWS::Cognito::UserPool", 0);
        template.resourceCountIs("AWS::ApiGateway::Authorizer", 1); // one per LambdaAuthorizer, shared by routes
        template.hasResourceProperties("AWS::ApiGateway::Authorizer", Map.of(
                "Type", "REQUEST", "Name", "partners",
                "IdentitySource", "method.request.header.X-Partner-Token",
                "AuthorizerResultTtlInSeconds", 300));
        assertThat(template.findResources("AWS::ApiGateway::Authorizer").toString()).contains("DecideAlias");
        template.hasResource("AWS::ApiGateway::Method", Map.of(
                "Properties", Map.of("HttpMethod", "GET", "AuthorizationType", "AWS_IAM"),
                "Metadata", Map.of(RouteAccess.METADATA_KEY, "iam")));
        template.hasResource("AWS::ApiGateway::Method", Map.of(
                "Properties", Map.of("HttpMethod", "POST", "AuthorizationType", "CUSTOM",
                        "AuthorizerId", Map.of("Ref", Match.stringLikeRegexp("ApiAuthorizerpartners.*"))),
                "Metadata", Map.of(RouteAccess.METADATA_KEY, "authorizer:partners",
                        RouteAccess.DETAILS_METADATA_KEY, Map.of("access", "lambdaAuthorizer",
                                "tokenCheckedBy", "API Gateway: Lambda request authorizer Test/Api/Authorizer-partners"))));
        assertThat(variablesOf("Fn").get(RouteAccess.ENVIRONMENT_VARIABLE)).isEqualTo(
                "{\"GET /health\":\"public\",\"GET /internal\":\"iam\",\"GET /partner\":\"authorizer:partners\","
                        + "\"POST /partner\":\"authorizer:partners\"}");
    }

    @Test
    void aCognitoRouteOnAnApiWithoutAUserPoolFailsNamingTheRoute() {
        ServerlessApi api = api("Api");
        assertThatThrownBy(() -> api.addRoute("GET", "/me", fn, RouteAccess.authenticated()))
                .isInstanceOf(ValidationError.class)
                .hasMessageStartingWith("Test/Api: ServerlessApi.addRoute: GET /me is authenticated, which needs a"
                        + " Cognito user pool, but the API has none");
        assertThatThrownBy(() -> api.addRoute("GET", "/admin", fn, RouteAccess.groups("admins")))
                .hasMessageContaining("GET /admin is groups:admins, which needs a Cognito user pool");
    }

    @Test
    void twoLambdaAuthorizersMayNotShareAName() {
        JavaFunction decide = new JavaFunction(stack, "Decide", TestStacks.function().build());
        ServerlessApi api = api("Api");
        api.addRoute("GET", "/a", fn, RouteAccess.lambdaAuthorizer(
                LambdaAuthorizer.builder().name("partners").handler(decide).build()));
        assertThatThrownBy(() -> api.addRoute("GET", "/b", fn, RouteAccess.lambdaAuthorizer(
                LambdaAuthorizer.builder().name("partners").handler(fn).build())))
                .hasMessageContaining("another authorizer of that name");
        assertThatThrownBy(() -> LambdaAuthorizer.builder().name("p").handler(fn)
                .identitySources(List.of("Authorization")).build())
                .hasMessageContaining("LambdaAuthorizer.identitySources");
    }

    @Test
    void grantInvokeAllowsExecuteApiOnThatIamRouteOnly() {
        ServerlessApi api = api("Api");
        api.addRoute("GET", "/orders/{orderId}", fn, RouteAccess.iam());
        api.addRoute("GET", "/open", fn, RouteAccess.publicAccess("anyone"));
        Role caller = Role.Builder.create(stack, "Caller").assumedBy(new ServicePrincipal("ec2.amazonaws.com")).build();
        api.grantInvoke(caller, "GET", "/orders/{orderId}");
        Template template = Template.fromStack(stack);
        Map<String, Map<String, Object>> policies = template.findResources("AWS::IAM::Policy");
        Map<String, Object> policy = policies.entrySet().stream().filter(e -> e.getKey().startsWith("CallerDefault"))
                .map(Map.Entry::getValue).findFirst().orElseThrow();
        List<Map<String, Object>> statements = IamStatements.of(policy);
        assertThat(statements).hasSize(1);
        assertThat(IamStatements.actions(statements.get(0))).containsExactly("execute-api:Invoke");
        assertThat(IamStatements.resources(statements.get(0)).toString()).contains("/v1/GET/orders/*");

        assertThatThrownBy(() -> api.grantInvoke(caller, "GET", "/open"))
                .hasMessageContaining("GET /open is not an IAM route of this API");
    }

    /** An API with an IAM route and another IAM route nested below it, which IAM's {@code *} cannot tell apart. */
    private ServerlessApi nestedIamRoutes() {
        ServerlessApi api = api("Api");
        api.addRoute("GET", "/orders/{orderId}", fn, RouteAccess.iam());
        api.addRoute("GET", "/orders/{orderId}/notes", fn, RouteAccess.iam());
        return api;
    }

    @Test
    void aGrantWhoseWildcardAlsoCoversAnIamRouteNotGrantedFailsSynthesisNamingBoth() {
        ServerlessApi api = nestedIamRoutes();
        api.addRoute("GET", "/orders/{orderId}/public", fn, RouteAccess.publicAccess("no IAM check to widen"));
        api.grantInvoke(Role.Builder.create(stack, "Caller").assumedBy(new ServicePrincipal("ec2.amazonaws.com"))
                .build(), "GET", "/orders/{orderId}");
        assertThatThrownBy(() -> Template.fromStack(stack))
                .hasMessageContaining("Test/Api")
                .hasMessageContaining("ServerlessApi.grantInvoke(GET /orders/{orderId}): its resource GET/orders/*"
                        + " also allows the IAM route GET /orders/{orderId}/notes")
                .hasMessageNotContaining("/public");
    }

    @Test
    void aGrantWhoseWildcardCoversOnlyRoutesItsGranteeHoldsSynthesizes() {
        ServerlessApi api = nestedIamRoutes();
        api.addRoute("POST", "/orders/{orderId}/notes", fn, RouteAccess.iam()); // another method: not covered
        Role caller = Role.Builder.create(stack, "Caller").assumedBy(new ServicePrincipal("ec2.amazonaws.com")).build();
        api.grantInvoke(caller, "GET", "/orders/{orderId}");
        api.grantInvoke(caller, "GET", "/orders/{orderId}/notes");
        Template.fromStack(stack);
    }

    @Test
    void apiKeyRoutesNeedAUsagePlanOnTheStage() {
        ServerlessApi api = api("Api");
        api.addRoute("GET", "/feed", fn, RouteAccess.publicAccess("partners identified by their API key only"),
                RouteOptions.builder().apiKeyRequired(true).build());
        assertThatThrownBy(() -> Template.fromStack(stack))
                .hasMessageContaining("Test/Api")
                .hasMessageContaining("GET /feed requires an API key, but the API has no usage plan");

        Stack other = TestStacks.stack();
        JavaFunction fn2 = new JavaFunction(other, "Fn", TestStacks.function().build());
        ServerlessApi withPlan = new ServerlessApi(other, "Api", ServerlessApiProps.builder().build());
        withPlan.addRoute("GET", "/feed", fn2, RouteAccess.publicAccess("partners identified by their API key only"),
                RouteOptions.builder().apiKeyRequired(true).build());
        withPlan.addUsagePlan("Partners", UsagePlanProps.builder().name("partners")
                .throttle(ThrottleSettings.builder().rateLimit(10).burstLimit(20).build()).build());
        Template template = Template.fromStack(other);
        template.hasResource("AWS::ApiGateway::Method", Map.of(
                "Properties", Map.of("HttpMethod", "GET", "ApiKeyRequired", true),
                "Metadata", Map.of(RouteAccess.DETAILS_METADATA_KEY, Match.objectLike(Map.of(
                        "apiKeyCheckedBy", Match.stringLikeRegexp("API Gateway: an API key.*"))))));
        template.hasResourceProperties("AWS::ApiGateway::UsagePlan", Map.of(
                "UsagePlanName", "partners",
                "ApiStages", List.of(Match.objectLike(Map.of("Stage", Match.anyValue()))),
                "Throttle", Map.of("RateLimit", 10, "BurstLimit", 20)));
    }

    @Test
    void twoApisRoutingToOneFunctionBothReachItsVariable() {
        api("Public").addRoute("GET", "/things", fn, RouteAccess.publicAccess("catalog"));
        ServerlessApi internal = api("Internal");
        internal.addRoute("DELETE", "/things/{id}", fn, RouteAccess.iam());
        // the same route in both with the same access is fine
        internal.addRoute("GET", "/things", fn, RouteAccess.publicAccess("catalog, internal copy"));

        ServerlessApi third = api("Third");
        assertThatThrownBy(() -> third.addRoute("DELETE", "/things/{id}", fn,
                RouteAccess.publicAccess("oops")))
                .hasMessageStartingWith("Test/Third: ServerlessApi.addRoute: function Test/Fn/Function would serve"
                        + " DELETE /things/{id} as 'iam' (API Test/Internal) and as 'public' (API Test/Third)");
        third.addRoute("GET", "/third", fn, RouteAccess.iam());
        // each API's routes reach the function; the failed route changed nothing
        assertThat(variablesOf("Fn").get(RouteAccess.ENVIRONMENT_VARIABLE)).isEqualTo(
                "{\"DELETE /things/{id}\":\"iam\",\"GET /things\":\"public\",\"GET /third\":\"iam\"}");
    }

    @Test
    void anAnyRouteIsListedUnderEveryMethodItServesButTheExplicitOnes() {
        // API Gateway sends the request's own method, never ANY: the function finds its route under that method
        ServerlessApi api = api("Api");
        api.addRoute("ANY", "/things", fn, RouteAccess.iam());
        api.addRoute("GET", "/things", fn, RouteAccess.publicAccess("catalog")); // explicit: API Gateway prefers it
        api.addRoute("ANY", "/other", fn, RouteAccess.iam());
        assertThat(variablesOf("Fn").get(RouteAccess.ENVIRONMENT_VARIABLE)).isEqualTo(
                "{\"DELETE /other\":\"iam\",\"DELETE /things\":\"iam\",\"GET /other\":\"iam\","
                        + "\"GET /things\":\"public\",\"HEAD /other\":\"iam\",\"HEAD /things\":\"iam\","
                        + "\"OPTIONS /other\":\"iam\",\"OPTIONS /things\":\"iam\",\"PATCH /other\":\"iam\","
                        + "\"PATCH /things\":\"iam\",\"POST /other\":\"iam\",\"POST /things\":\"iam\","
                        + "\"PUT /other\":\"iam\",\"PUT /things\":\"iam\"}");
    }
}
