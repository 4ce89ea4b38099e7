package ${package}.infra;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPack;
import io.github.cdklabs.cdknag.ServerlessChecks;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.PolicyViolatingResource;
import software.amazon.awscdk.PolicyViolation;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** The service's template, synthesized as {@code cdk synth} does (cdk.json's feature flags), and cdk-nag on it. */
class ServiceStackTest {
    private static ServiceStack stack;
    private static Template template;

    @BeforeAll
    static void synthesize() throws Exception {
        App app = ServiceApp.newApp(Files.createTempDirectory("cdk-test").toString());
        stack = ServiceApp.build(app);
        template = Template.fromStack(stack);
    }

    @Test
    void theFunctionRunsTheHandlerWithTheTableName() {
        template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Handler", "${package}.function.GetItemHandler::handleRequest",
                "Environment", Map.of("Variables", Map.of(
                        "ITEMS_TABLE", Map.of("Ref", stack.getLogicalId(
                                (CfnElement) stack.getItems().getTable().getNode().getDefaultChild()))))));
    }

    @Test
    void theFunctionMayOnlyGetItemsFromTheTable() {
        List<String> dynamoDbActions = new ArrayList<>();
        for (Map<String, Object> policy : template.findResources("AWS::IAM::Policy").values()) {
            for (Object statement : statements(policy)) {
                Object actions = ((Map<?, ?>) statement).get("Action");
                for (Object action : actions instanceof List<?> list ? list : List.of(actions)) {
                    if (action.toString().startsWith("dynamodb:")) {
                        dynamoDbActions.add(action.toString());
                    }
                }
            }
        }
        assertThat(dynamoDbActions).containsExactly("dynamodb:GetItem");
    }

    @Test
    void theRouteNeedsASignedInUser() {
        template.hasResourceProperties("AWS::ApiGateway::Method", Map.of(
                "HttpMethod", "GET",
                "AuthorizationType", "COGNITO_USER_POOLS",
                "ResourceId", Match.anyValue()));
        template.hasResourceProperties("AWS::ApiGateway::Resource", Map.of("PathPart", "{id}"));
    }

    @Test
    void theTableKeepsItsData() {
        template.hasResource("AWS::DynamoDB::Table", Map.of(
                "DeletionPolicy", "Retain",
                "Properties", Match.objectLike(Map.of("KeySchema", List.of(Map.of("AttributeName", "id", "KeyType", "HASH"))))));
    }

    @Test
    void cdkNagAwsSolutionsFindsNothing() {
        assertThat(findings(new AwsSolutionsChecks())).isEmpty();
    }

    @Test
    void cdkNagServerlessFindsNothing() {
        assertThat(findings(new ServerlessChecks())).isEmpty();
    }

    @SuppressWarnings("unchecked")
    private static List<Object> statements(Map<String, Object> policy) {
        Map<String, Object> properties = (Map<String, Object>) policy.get("Properties");
        Map<String, Object> document = (Map<String, Object>) properties.get("PolicyDocument");
        return (List<Object>) document.get("Statement");
    }

    private static List<String> findings(NagPack pack) {
        List<String> result = new ArrayList<>();
        for (PolicyViolation violation : pack.validateScope(stack).getViolations()) {
            for (PolicyViolatingResource resource : violation.getViolatingResources()) {
                result.add(violation.getRuleName() + " at " + resource.getConstructPath());
            }
        }
        return result;
    }
}
