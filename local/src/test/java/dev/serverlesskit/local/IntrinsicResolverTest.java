package dev.serverlesskit.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serverlesskit.local.IntrinsicResolver.Local;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IntrinsicResolverTest {
    private final IntrinsicResolver resolver = new IntrinsicResolver(Map.of(
            "ItemsTable", Local.of("fixture-ItemsTable", Map.of("Arn", "arn:aws:dynamodb:us-east-2:000000000000:table/fixture-ItemsTable")),
            "WorkQueue", Local.of("http://127.0.0.1:9324/000000000000/work",
                    Map.of("Arn", "arn:aws:sqs:us-east-2:000000000000:work")),
            "Pool", Local.of("local_abc", Map.of("Arn", "arn:aws:cognito-idp:us-east-2:000000000000:userpool/local_abc"))),
            Map.of("AWS::Region", "us-east-2", "AWS::AccountId", "000000000000"));

    private String resolve(String json) {
        return resolver.resolveString(Json.parse(json));
    }

    @Test
    void resolvesEnvironmentOfTheFixtureToLocalNames() throws Exception {
        var env = TemplateReaderTest.read(TemplateReaderTest.fixture()).function("ListFunctionABCDEF12").environment();
        assertThat(resolver.resolveString(env.get("TABLE"))).isEqualTo("fixture-ItemsTable");
        assertThat(resolver.resolveString(env.get("QUEUE_URL"))).isEqualTo("http://127.0.0.1:9324/000000000000/work");
        assertThat(resolver.resolveString(env.get("QUEUE_ARN"))).isEqualTo("arn:aws:sqs:us-east-2:000000000000:work");
        assertThat(resolver.resolveString(env.get("POOL_ARN")))
                .isEqualTo("arn:aws:cognito-idp:us-east-2:000000000000:userpool/local_abc|us-east-2|${Literal}");
        assertThat(resolver.resolveString(env.get("JOINED"))).isEqualTo("a/fixture-ItemsTable");
        assertThat(resolver.resolveString(env.get("SELECTED"))).isEqualTo("aws");
        assertThat(resolver.resolveString(env.get("PLAIN"))).isEqualTo("x");
    }

    @Test
    void subWithVariablesAndGetAttStringForm() {
        assertThat(resolve("{\"Fn::Sub\": [\"${T}-${AWS::AccountId}\", {\"T\": {\"Ref\": \"ItemsTable\"}}]}"))
                .isEqualTo("fixture-ItemsTable-000000000000");
        assertThat(resolve("{\"Fn::GetAtt\": \"WorkQueue.Arn\"}")).isEqualTo("arn:aws:sqs:us-east-2:000000000000:work");
    }

    @Test
    void unknownReferencesAndFunctionsFailWithTheirName() {
        assertThatThrownBy(() -> resolve("{\"Ref\": \"Missing\"}")).hasMessageContaining("Missing");
        assertThatThrownBy(() -> resolve("{\"Fn::GetAtt\": [\"ItemsTable\", \"StreamArn\"]}"))
                .hasMessageContaining("ItemsTable.StreamArn");
        assertThatThrownBy(() -> resolve("{\"Fn::ImportValue\": \"x\"}")).hasMessageContaining("Fn::ImportValue");
    }
}
