package example.items.infra;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPack;
import io.github.cdklabs.cdknag.ServerlessChecks;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.PolicyViolatingResource;
import software.amazon.awscdk.PolicyViolation;
import software.amazon.awscdk.assertions.Template;

/** The ported items API's template, synthesized as {@code cdk synth} does, and cdk-nag on it. */
class ItemsStackTest {
    private static ItemsStack stack;
    private static Template template;

    @BeforeAll
    static void synthesize() throws Exception {
        App app = ItemsApp.newApp(Files.createTempDirectory("cdk-test").toString());
        stack = ItemsApp.build(app);
        template = Template.fromStack(stack);
    }

    @Test
    void fiveRoutesWithReadsPublicAndWritesForSignedInUsers() {
        Map<String, String> authorization = new TreeMap<>();
        template.findResources("AWS::ApiGateway::Method").values().forEach(method -> {
            Map<?, ?> properties = (Map<?, ?>) method.get("Properties");
            if (!"OPTIONS".equals(properties.get("HttpMethod"))) {
                authorization.merge((String) properties.get("HttpMethod"), (String) properties.get("AuthorizationType"),
                        (a, b) -> a.equals(b) ? a : a + "," + b);
            }
        });
        assertThat(authorization).isEqualTo(Map.of("DELETE", "COGNITO_USER_POOLS", "GET", "NONE",
                "PATCH", "COGNITO_USER_POOLS", "POST", "COGNITO_USER_POOLS"));
    }

    @Test
    void bothResourcesAnswerCorsPreflight() {
        assertThat(template.findResources("AWS::ApiGateway::Method", Map.of("Properties", Map.of("HttpMethod", "OPTIONS"))))
                .hasSize(2);
    }

    @Test
    void eachFunctionMayCallOnlyItsOwnTableAction() {
        List<String> dynamoDbActions = new ArrayList<>();
        for (Map<String, Object> policy : template.findResources("AWS::IAM::Policy").values()) {
            Map<?, ?> document = (Map<?, ?>) ((Map<?, ?>) policy.get("Properties")).get("PolicyDocument");
            for (Object statement : (List<?>) document.get("Statement")) {
                Object actions = ((Map<?, ?>) statement).get("Action");
                for (Object action : actions instanceof List<?> list ? list : List.of(actions)) {
                    if (action.toString().startsWith("dynamodb:")) {
                        dynamoDbActions.add(action.toString());
                    }
                }
            }
        }
        assertThat(dynamoDbActions).containsExactlyInAnyOrder(
                "dynamodb:Scan", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem");
    }

    @Test
    void cdkNagFindsNothing() {
        assertThat(findings(new AwsSolutionsChecks())).isEmpty();
        assertThat(findings(new ServerlessChecks())).isEmpty();
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
