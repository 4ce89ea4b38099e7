package dev.serverlesskit.constructs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.apigateway.JsonSchema;
import software.amazon.awscdk.services.apigateway.JsonSchemaType;
import software.amazon.awscdk.services.cognito.UserPool;
import software.amazon.awscdk.services.cognito.UserPoolGroupOptions;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.AliasAttributes;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.lambda.Version;

class ServerlessApiTest {

    private static final class Fixture {
        final Stack stack = TestStacks.stack();
        final UserDirectory users = new UserDirectory(stack, "Users", UserDirectoryProps.builder()
                .groups(List.of("admins", "auditors")).build());
        final JavaFunction fn = new JavaFunction(stack, "Fn", TestStacks.function().build());

        ServerlessApi api(ServerlessApiProps.Builder props) {
            return new ServerlessApi(stack, "Api", props.userDirectory(users).build());
        }

        ServerlessApi api() {
            return api(ServerlessApiProps.builder());
        }

        /** An API serving the browser origin {@code https://app.example.com}, with one route: GET /things. */
        ServerlessApi appOriginApi(RouteAccess access) {
            ServerlessApi api = api(ServerlessApiProps.builder().corsAllowOrigins(List.of("https://app.example.com")));
            api.addRoute("GET", "/things", fn.getAlias(), access);
            return api;
        }
    }

    @Test
    void routesNeedTheCognitoAuthorizerUnlessDeclaredPublic() {
        Fixture f = new Fixture();
        ServerlessApi api = f.api();
        api.addRoute("GET", "/things", f.fn.getAlias(), RouteAccess.publicAccess("a public catalog"));
        api.addRoute("POST", "/things", f.fn.getAlias(), RouteAccess.authenticated());
        api.addRoute("DELETE", "/things/{id}", f.fn.getAlias(), RouteAccess.groups("admins"));
        Template template = Template.fromStack(f.stack);

        template.resourceCountIs("AWS::ApiGateway::Authorizer", 1);
        template.hasResourceProperties("AWS::ApiGateway::Authorizer", Map.of(
                "Type", "COGNITO_USER_POOLS", "IdentitySource", "method.request.header.Authorization"));
        template.hasResource("AWS::ApiGateway::Method", Map.of(
                "Properties", Map.of("HttpMethod", "GET", "AuthorizationType", "NONE"),
                "Metadata", Map.of(RouteAccess.METADATA_KEY, "public")));
        template.hasResource("AWS::ApiGateway::Method", Map.of(
                "Properties", Map.of("HttpMethod", "POST", "AuthorizationType", "COGNITO_USER_POOLS",
                        "AuthorizerId", Map.of("Ref", Match.stringLikeRegexp("ApiAuthorizer.*"))),
                "Metadata", Map.of(RouteAccess.METADATA_KEY, "authenticated")));
        template.hasResource("AWS::ApiGateway::Method", Map.of(
                "Properties", Map.of("HttpMethod", "DELETE", "AuthorizationType", "COGNITO_USER_POOLS"),
                "Metadata", Map.of(RouteAccess.METADATA_KEY, "groups:admins")));
        assertThat(api.getRoutes()).containsOnlyKeys("GET /things", "POST /things", "DELETE /things/{id}");
    }

    @Test
    void aGroupTheDirectoryDoesNotHaveFailsSynthesisNamingTheRouteAndTheDirectorysGroups() {
        Fixture f = new Fixture();
        ServerlessApi api = f.api();
        assertThatThrownBy(() -> api.addRoute("DELETE", "/things/{id}", f.fn.getAlias(), RouteAccess.groups("admin")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("DELETE /things/{id}")
                .hasMessageContaining("'admin'")
                .hasMessageContaining("[admins, auditors]");
        assertThat(api.getRoutes()).isEmpty();

        // a bare user pool: its groups are those added to it in the app
        Stack stack = TestStacks.stack();
        UserPool pool = new UserPool(stack, "Pool");
        pool.addGroup("Auditors", UserPoolGroupOptions.builder().groupName("auditors").build());
        JavaFunction fn = new JavaFunction(stack, "Fn", TestStacks.function().build());
        ServerlessApi bare = new ServerlessApi(stack, "Api", ServerlessApiProps.builder().userPool(pool).build());
        bare.addRoute("GET", "/audit", fn.getAlias(), RouteAccess.groups("auditors"));
        assertThatThrownBy(() -> bare.addRoute("GET", "/admin", fn.getAlias(), RouteAccess.groups("admins")))
                .hasMessageContaining("GET /admin").hasMessageContaining("[auditors]");
    }

    @Test
    void eachFunctionIsToldTheAccessOfEveryRouteItServesAndTheTemplateSaysWhoChecksWhat() {
        Fixture f = new Fixture();
        JavaFunction other = new JavaFunction(f.stack, "Other", TestStacks.function().build());
        ServerlessApi api = f.api();
        api.addRoute("GET", "/things", f.fn.getAlias(), RouteAccess.publicAccess("a public catalog"));
        api.addRoute("DELETE", "/things/{id}", f.fn.getAlias(), RouteAccess.groups("admins", "auditors"));
        api.addRoute("POST", "/things", other.getAlias(), RouteAccess.authenticated());
        Template template = Template.fromStack(f.stack);

        template.hasResourceProperties("AWS::Lambda::Function", Map.of("Environment", Map.of("Variables",
                Match.objectLike(Map.of(RouteAccess.ENVIRONMENT_VARIABLE,
                        "{\"DELETE /things/{id}\":\"groups:admins,auditors\",\"GET /things\":\"public\"}")))));
        template.hasResourceProperties("AWS::Lambda::Function", Map.of("Environment", Map.of("Variables",
                Match.objectLike(Map.of(RouteAccess.ENVIRONMENT_VARIABLE, "{\"POST /things\":\"authenticated\"}")))));

        template.hasResource("AWS::ApiGateway::Method", Map.of(
                "Properties", Map.of("HttpMethod", "DELETE"),
                "Metadata", Map.of(RouteAccess.METADATA_KEY, "groups:admins,auditors",
                        RouteAccess.DETAILS_METADATA_KEY, Map.of("access", "groups",
                                "groups", List.of("admins", "auditors"),
                                "tokenCheckedBy", Match.stringLikeRegexp("API Gateway: Cognito.*Test/Api/Authorizer"),
                                "groupsCheckedBy", Match.stringLikeRegexp(
                                        "the function.*" + RouteAccess.ENVIRONMENT_VARIABLE + ".*")))));
        template.hasResource("AWS::ApiGateway::Method", Map.of(
                "Properties", Map.of("HttpMethod", "GET"),
                "Metadata", Map.of(RouteAccess.METADATA_KEY, "public",
                        RouteAccess.DETAILS_METADATA_KEY, Map.of("access", "public", "reason", "a public catalog",
                                "tokenCheckedBy", "nobody: the route is public"))));
    }

    @Test
    void groupRoutesNeedAFunctionWhoseEnvironmentTheApiCanSet() {
        Fixture f = new Fixture();
        IFunction imported = importedAlias(f.stack);
        ServerlessApi api = f.api();
        api.addRoute("GET", "/open", imported, RouteAccess.authenticated());
        assertThatThrownBy(() -> api.addRoute("DELETE", "/things", imported, RouteAccess.groups("admins")))
                .hasMessageContaining("DELETE /things").hasMessageContaining("cannot set the environment");
    }

    private static IFunction importedAlias(Stack stack) {
        return Alias.fromAliasAttributes(stack, "Imported", AliasAttributes.builder().aliasName("live")
                .aliasVersion(Version.fromVersionArn(stack, "ImportedVersion",
                        "arn:aws:lambda:eu-west-1:123456789012:function:elsewhere:7"))
                .build());
    }

    @Test
    void aJavaFunctionIsRoutedThroughItsAliasSoSnapStartApplies() {
        Fixture f = new Fixture();
        f.api().addRoute("GET", "/things", f.fn, RouteAccess.authenticated());
        Template template = Template.fromStack(f.stack);
        assertThat(template.findResources("AWS::ApiGateway::Method").toString()).contains("FnAlias");
        template.hasResourceProperties("AWS::Lambda::Permission", Map.of(
                "FunctionName", Map.of("Ref", Match.stringLikeRegexp("FnAlias.*"))));
        template.resourcePropertiesCountIs("AWS::Lambda::Permission", Map.of(
                "FunctionName", Match.objectLike(Map.of("Fn::GetAtt", Match.anyValue()))), 0);
    }

    @Test
    void anUnqualifiedFunctionFailsNamingTheRouteAndWhatToPass() {
        Fixture f = new Fixture();
        ServerlessApi api = f.api();
        assertThatThrownBy(() -> api.addRoute("GET", "/things", f.fn.getFunction(), RouteAccess.authenticated()))
                .isInstanceOf(ValidationError.class)
                .hasMessageStartingWith("Test/Api: ServerlessApi.addRoute: GET /things targets Test/Fn/Function, an"
                        + " unqualified function")
                .hasMessageContaining("Pass the JavaFunction");
        IFunction byArn = software.amazon.awscdk.services.lambda.Function.fromFunctionArn(f.stack, "ByArn",
                "arn:aws:lambda:eu-west-1:123456789012:function:elsewhere");
        assertThatThrownBy(() -> api.addRoute("GET", "/other", byArn, RouteAccess.authenticated()))
                .hasMessageContaining("GET /other targets Test/ByArn, an unqualified function");
        assertThatThrownBy(() -> api.addRoute("GET", "/latest", f.fn.getFunction().getLatestVersion(),
                RouteAccess.authenticated())).hasMessageContaining("the $LATEST version");
        assertThat(api.getRoutes()).isEmpty();
        // an imported alias is fine
        api.addRoute("GET", "/imported", importedAlias(f.stack), RouteAccess.authenticated());
    }

    @Test
    void integrationsInvokeTheAliasThroughALambdaProxy() {
        Fixture f = new Fixture();
        f.api().addRoute("GET", "/things", f.fn.getAlias(), RouteAccess.authenticated());
        Template template = Template.fromStack(f.stack);
        template.hasResourceProperties("AWS::ApiGateway::Method", Map.of(
                "Integration", Map.of("Type", "AWS_PROXY", "IntegrationHttpMethod", "POST", "Uri", Match.anyValue())));
        assertThat(template.findResources("AWS::ApiGateway::Method").toString()).contains("FnAlias");
        template.hasResourceProperties("AWS::Lambda::Permission", Map.of(
                "FunctionName", Map.of("Ref", Match.stringLikeRegexp("FnAlias.*"))));
    }

    @Test
    void stageHasTracingJsonAccessLogsErrorLoggingAndThrottlingWithRouteOverrides() {
        Fixture f = new Fixture();
        ServerlessApi api = f.api(ServerlessApiProps.builder().throttlingRateLimit(20).throttlingBurstLimit(40));
        api.addRoute("POST", "/clicks", f.fn.getAlias(), RouteAccess.publicAccess("anonymous clicks"),
                RouteOptions.builder().throttlingRateLimit(5).throttlingBurstLimit(10).build());
        Template template = Template.fromStack(f.stack);

        template.hasResourceProperties("AWS::ApiGateway::Stage", Map.of(
                "StageName", "v1",
                "TracingEnabled", true,
                "AccessLogSetting", Map.of("DestinationArn", Match.anyValue(), "Format", Match.stringLikeRegexp(".*requestId.*")),
                "MethodSettings", List.of(
                        Map.of("HttpMethod", "*", "ResourcePath", "/*", "LoggingLevel", "ERROR",
                                "DataTraceEnabled", false, "MetricsEnabled", true,
                                "ThrottlingRateLimit", 20, "ThrottlingBurstLimit", 40),
                        Map.of("HttpMethod", "POST", "ResourcePath", "/~1clicks", "LoggingLevel", "ERROR",
                                "DataTraceEnabled", false, "MetricsEnabled", true,
                                "ThrottlingRateLimit", 5, "ThrottlingBurstLimit", 10))));
        template.hasResourceProperties("AWS::ApiGateway::RestApi", Map.of(
                "EndpointConfiguration", Map.of("Types", List.of("REGIONAL"))));
        template.hasResourceProperties("AWS::ApiGateway::Account", Map.of("CloudWatchRoleArn", Match.anyValue()));
    }

    @Test
    void requestSchemaBecomesAModelValidatedBeforeTheFunctionRuns() {
        Fixture f = new Fixture();
        f.api().addRoute("POST", "/things", f.fn.getAlias(), RouteAccess.authenticated(), RouteOptions.builder()
                .requestSchema(JsonSchema.builder().type(JsonSchemaType.OBJECT).required(List.of("name")).build())
                .build());
        Template template = Template.fromStack(f.stack);
        template.hasResourceProperties("AWS::ApiGateway::Model", Map.of(
                "ContentType", "application/json", "Schema", Map.of("type", "object", "required", List.of("name"))));
        template.hasResourceProperties("AWS::ApiGateway::RequestValidator", Map.of(
                "ValidateRequestBody", true, "ValidateRequestParameters", true));
        template.hasResourceProperties("AWS::ApiGateway::Method", Map.of(
                "RequestModels", Map.of("$default", Match.anyValue()),
                "RequestValidatorId", Match.anyValue()));
    }

    @Test
    void gatewayErrorsAreJsonAndCorsOnlyWhenOriginsAreGiven() {
        Fixture f = new Fixture();
        f.appOriginApi(RouteAccess.authenticated());
        Template template = Template.fromStack(f.stack);
        template.hasResourceProperties("AWS::ApiGateway::GatewayResponse", Map.of(
                "ResponseType", "DEFAULT_4XX",
                "ResponseTemplates", Map.of("application/json", Match.stringLikeRegexp(".*\"error\".*")),
                "ResponseParameters", Map.of(
                        "gatewayresponse.header.Access-Control-Allow-Origin", "'https://app.example.com'")));
        template.hasResourceProperties("AWS::ApiGateway::Method", Map.of(
                "HttpMethod", "OPTIONS", "AuthorizationType", "NONE"));
    }

    @Test
    void overloadIs429WithRetryAfterNot500() {
        Fixture f = new Fixture();
        f.appOriginApi(RouteAccess.authenticated());
        Template template = Template.fromStack(f.stack);
        // a function over its reserved concurrency: API Gateway's INTEGRATION_FAILURE, a 500 unless mapped
        template.hasResourceProperties("AWS::ApiGateway::GatewayResponse", Map.of(
                "ResponseType", "INTEGRATION_FAILURE",
                "StatusCode", "429",
                "ResponseParameters", Map.of(
                        "gatewayresponse.header.Retry-After", "'" + ServerlessApi.RETRY_AFTER_SECONDS + "'",
                        "gatewayresponse.header.Access-Control-Allow-Origin", "'https://app.example.com'"),
                "ResponseTemplates", Map.of("application/json",
                        Match.stringLikeRegexp(".*\"code\":\"\\$context.error.responseType\".*"))));
        template.hasResourceProperties("AWS::ApiGateway::GatewayResponse", Map.of(
                "ResponseType", "THROTTLED",
                "ResponseParameters", Map.of(
                        "gatewayresponse.header.Retry-After", "'" + ServerlessApi.RETRY_AFTER_SECONDS + "'",
                        "gatewayresponse.header.Access-Control-Allow-Origin", "'https://app.example.com'")));
    }

    @Test
    void oneClientOverItsRateGets429JsonWithRetryAfterFromTheStagesOwnWebAcl() {
        Fixture f = new Fixture();
        ServerlessApi api = f.appOriginApi(RouteAccess.publicAccess("a public catalog"));
        Template template = Template.fromStack(f.stack);

        template.resourceCountIs("AWS::WAFv2::WebACL", 1);
        template.hasResourceProperties("AWS::WAFv2::WebACL", Map.of(
                "Scope", "REGIONAL",
                "DefaultAction", Map.of("Allow", Map.of()),
                "Rules", List.of(Map.of(
                        "Name", ServerlessApi.RATE_RULE_NAME,
                        "Statement", Map.of("RateBasedStatement", Map.of(
                                "AggregateKeyType", "IP", "Limit", 1000, "EvaluationWindowSec", 300)),
                        "Action", Map.of("Block", Map.of("CustomResponse", Map.of(
                                "ResponseCode", 429,
                                "CustomResponseBodyKey", "too-many-requests",
                                "ResponseHeaders", Match.arrayWith(List.of(
                                        Map.of("Name", "Access-Control-Allow-Origin",
                                                "Value", "https://app.example.com"),
                                        Map.of("Name", "Retry-After",
                                                "Value", String.valueOf(ServerlessApi.RETRY_AFTER_SECONDS))))))))),
                "CustomResponseBodies", Map.of("too-many-requests", Map.of(
                        "ContentType", "APPLICATION_JSON",
                        "Content", Match.stringLikeRegexp("\\{\"error\":\\{\"code\":\"TOO_MANY_REQUESTS\".*")))));
        template.hasResourceProperties("AWS::WAFv2::WebACLAssociation", Map.of(
                "WebACLArn", Map.of("Fn::GetAtt", List.of(f.stack.getLogicalId(api.getWebAcl()), "Arn")),
                "ResourceArn", Match.objectLike(Map.of("Fn::Join", Match.arrayWith(List.of(Match.arrayWith(List.of(
                        Map.of("Ref", Match.stringLikeRegexp("ApiDeploymentStage.*"))))))))));
    }

    @Test
    void theClientRateLimitIsCheckedNamingThePropAndCanBeReplacedOrDeclaredNoneWithAReason() {
        Fixture limited = new Fixture();
        limited.api(ServerlessApiProps.builder()
                .clientRateLimit(ClientRateLimit.perClient(50, software.amazon.awscdk.Duration.minutes(1))))
                .addRoute("GET", "/things", limited.fn, RouteAccess.authenticated());
        Template.fromStack(limited.stack).hasResourceProperties("AWS::WAFv2::WebACL", Map.of("Rules", List.of(
                Match.objectLike(Map.of("Statement", Map.of("RateBasedStatement", Map.of(
                        "AggregateKeyType", "IP", "Limit", 50, "EvaluationWindowSec", 60)))))));

        assertThatThrownBy(() -> new Fixture().api(ServerlessApiProps.builder()
                .clientRateLimit(ClientRateLimit.perClient(50, software.amazon.awscdk.Duration.minutes(3)))))
                .hasMessageStartingWith("Test/Api: ServerlessApiProps.clientRateLimit (window) must be 1, 2, 5 or 10"
                        + " minutes");
        assertThatThrownBy(() -> new Fixture().api(ServerlessApiProps.builder()
                .clientRateLimit(ClientRateLimit.perClient(5, software.amazon.awscdk.Duration.minutes(5)))))
                .hasMessageStartingWith("Test/Api: ServerlessApiProps.clientRateLimit (requests) must be between 10");
        assertThatThrownBy(() -> new Fixture().api(ServerlessApiProps.builder()
                .webAclArn("arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/org/1")
                .clientRateLimit(ClientRateLimit.byDefault())))
                .hasMessageContaining("give either webAclArn").hasMessageContaining("or clientRateLimit");
        assertThatThrownBy(() -> ClientRateLimit.none(" ")).hasMessageContaining("needs a reason");

        // the organisation's web ACL instead of the API's own
        Fixture org = new Fixture();
        ServerlessApi withOrgAcl = org.api(ServerlessApiProps.builder()
                .webAclArn("arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/org/1"));
        withOrgAcl.addRoute("GET", "/things", org.fn, RouteAccess.authenticated());
        Template orgTemplate = Template.fromStack(org.stack);
        orgTemplate.resourceCountIs("AWS::WAFv2::WebACL", 0);
        orgTemplate.hasResourceProperties("AWS::WAFv2::WebACLAssociation",
                Map.of("WebACLArn", "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/org/1"));
        assertThat(withOrgAcl.getWebAcl()).isNull();

        // none, with the reason as the exact acknowledgment of the stage's APIG3 finding
        Fixture none = new Fixture();
        ServerlessApi noneApi = none.api(ServerlessApiProps.builder()
                .clientRateLimit(ClientRateLimit.none("internal API behind a VPN")));
        noneApi.addRoute("GET", "/things", none.fn, RouteAccess.authenticated());
        Template noneTemplate = Template.fromStack(none.stack);
        noneTemplate.resourceCountIs("AWS::WAFv2::WebACL", 0);
        noneTemplate.resourceCountIs("AWS::WAFv2::WebACLAssociation", 0);
        assertThat(noneApi.getApi().getDeploymentStage().getNode().getMetadata()).anySatisfy(entry -> {
            assertThat(entry.getType()).isEqualTo(software.amazon.awscdk.Validations.ACKNOWLEDGED_RULES_METADATA_KEY);
            assertThat(String.valueOf(entry.getData())).contains("AwsSolutions-APIG3")
                    .contains("internal API behind a VPN");
        });
    }

    @Test
    void aClientRateLimitFromParametersSynthesizes() {
        Fixture f = new Fixture();
        software.amazon.awscdk.CfnParameter requests = software.amazon.awscdk.CfnParameter.Builder
                .create(f.stack, "Requests").type("Number").build();
        software.amazon.awscdk.CfnParameter seconds = software.amazon.awscdk.CfnParameter.Builder
                .create(f.stack, "Seconds").type("Number").build();
        f.api(ServerlessApiProps.builder().clientRateLimit(ClientRateLimit.perClient(requests.getValueAsNumber(),
                software.amazon.awscdk.Duration.seconds(seconds.getValueAsNumber()))))
                .addRoute("GET", "/things", f.fn, RouteAccess.authenticated());
        Template.fromStack(f.stack).hasResourceProperties("AWS::WAFv2::WebACL", Map.of("Rules", List.of(
                Match.objectLike(Map.of("Statement", Map.of("RateBasedStatement", Map.of("AggregateKeyType", "IP",
                        "Limit", Map.of("Ref", "Requests"), "EvaluationWindowSec", Map.of("Ref", "Seconds"))))))));
    }

    @Test
    void withSeveralOriginsThePreflightEchoesOnlyAnAllowedOriginAndGatewayErrorsNameNone() {
        Fixture f = new Fixture();
        ServerlessApi api = f.api(ServerlessApiProps.builder()
                .corsAllowOrigins(List.of("https://app.example.com", "https://admin.example.com"))
                .corsAllowHeaders(List.of("Content-Type", "Authorization", "X-Trace")));
        api.addRoute("GET", "/things/{id}", f.fn.getAlias(), RouteAccess.authenticated());
        Template template = Template.fromStack(f.stack);

        Map<String, Map<String, Object>> errors = template.findResources("AWS::ApiGateway::GatewayResponse");
        assertThat(errors).hasSize(4);
        assertThat(errors.toString()).doesNotContain("Access-Control-Allow-Origin");

        Map<String, Map<String, Object>> preflights = template.findResources("AWS::ApiGateway::Method",
                Map.of("Properties", Map.of("HttpMethod", "OPTIONS")));
        assertThat(preflights).hasSize(1); // only the resource with a route, not /things
        String preflight = preflights.values().iterator().next().toString();
        assertThat(preflight)
                .contains("'Content-Type,Authorization,X-Trace'")
                .contains("$origin == \"https://app.example.com\" || $origin == \"https://admin.example.com\"")
                .contains("#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)")
                .contains("method.response.header.Vary=true")
                // no static origin: a request from another origin gets none
                .doesNotContain("method.response.header.Access-Control-Allow-Origin='");
        assertThatThrownBy(() -> new Fixture().api(ServerlessApiProps.builder()
                .corsAllowOrigins(List.of("https://a.example")).corsAllowHeaders(List.of("Bad Header"))))
                .hasMessageContaining("ServerlessApiProps.corsAllowHeaders");
    }

    @Test
    void alarmsOnServerErrorsClientErrorRateAndLatency() {
        Fixture f = new Fixture();
        ServerlessApi api = f.api();
        api.addRoute("GET", "/things", f.fn.getAlias(), RouteAccess.authenticated());
        Template template = Template.fromStack(f.stack);
        assertThat(api.getAlarms()).hasSize(3);
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("MetricName", "5XXError", "Threshold", 1));
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("MetricName", "4XXError", "Threshold", 0.25));
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("MetricName", "Latency", "Threshold", 2000));
    }

    @Test
    void rejectsBadRoutes() {
        Fixture f = new Fixture();
        ServerlessApi api = f.api();
        assertThatThrownBy(() -> api.addRoute("GET", "things", f.fn.getAlias(), RouteAccess.authenticated()))
                .hasMessageContaining("ServerlessApi.addRoute(path) must start with '/'");
        assertThatThrownBy(() -> api.addRoute("FETCH", "/things", f.fn.getAlias(), RouteAccess.authenticated()))
                .hasMessageContaining("ServerlessApi.addRoute(httpMethod) must be one of");
        assertThatThrownBy(() -> api.addRoute("GET", "/things", f.fn.getAlias(), null))
                .hasMessageContaining("ServerlessApi.addRoute(access) for GET /things is required");
        assertThatThrownBy(() -> RouteAccess.publicAccess(" "))
                .hasMessageContaining("RouteAccess.publicAccess(justification)");
        api.addRoute("GET", "/things", f.fn.getAlias(), RouteAccess.authenticated());
        assertThatThrownBy(() -> api.addRoute("GET", "/things", f.fn.getAlias(), RouteAccess.authenticated()))
                .hasMessageContaining("route GET /things is declared twice");
        assertThatThrownBy(() -> new ServerlessApi(TestStacks.stack(), "Api", null))
                .hasMessage("Test/Api: ServerlessApiProps is required");
    }
}
