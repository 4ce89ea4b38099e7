package dev.serverlesskit.local.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How requests map to IAM actions and resources, for the shapes the gateway test does not send. */
class ServiceTest {
    static final Service.Arns ARNS = new Service.Arns("eu-west-1", "000000000000");
    static final String TABLE = "arn:aws:dynamodb:eu-west-1:000000000000:table/";

    static HttpMessage request(String target, String body) {
        List<String[]> headers = new ArrayList<>();
        if (target != null) {
            headers.add(new String[] {"X-Amz-Target", target});
        }
        return new HttpMessage("POST / HTTP/1.1", headers, body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aTransactionNeedsEachItemsActionOnItsTable() {
        Operation op = Service.DYNAMODB.operation(request("DynamoDB_20120810.TransactWriteItems",
                "{\"TransactItems\":[{\"Put\":{\"Item\":{\"k\":{\"S\":\"1\"}},\"TableName\":\"A\"}},"
                        + "{\"ConditionCheck\":{\"TableName\":\"B\",\"Key\":{}}},{\"Delete\":{\"TableName\":\"A\"}}],"
                        + "\"ClientRequestToken\":\"t\"}"), ARNS);
        assertThat(op.authorizations()).containsExactly(new Authorization("dynamodb:PutItem", TABLE + "A"),
                new Authorization("dynamodb:ConditionCheckItem", TABLE + "B"),
                new Authorization("dynamodb:DeleteItem", TABLE + "A"));
    }

    @Test
    void aScanOfAnIndexIsOnTheIndexAndATableArnIsTakenAsIs() {
        assertThat(Service.DYNAMODB.operation(request("DynamoDB_20120810.Scan",
                "{\"Limit\":5,\"IndexName\":\"bySpecies\",\"TableName\":\"Pets\"}"), ARNS).authorizations())
                .containsExactly(new Authorization("dynamodb:Scan", TABLE + "Pets/index/bySpecies"));
        assertThat(Service.DYNAMODB.operation(request("DynamoDB_20120810.GetItem",
                "{\"TableName\":\"" + TABLE + "Pets\"}"), ARNS).authorizations())
                .containsExactly(new Authorization("dynamodb:GetItem", TABLE + "Pets"));
    }

    @Test
    void whatCannotBeMappedIsNamedNeverForwardedUnchecked() {
        assertThat(Service.DYNAMODB.operation(request("DynamoDB_20120810.ExecuteStatement",
                "{\"Statement\":\"SELECT * FROM Pets\"}"), ARNS).problem()).contains("PartiQL");
        assertThat(Service.DYNAMODB.operation(request(null, "{}"), ARNS).problem()).contains("X-Amz-Target");
        assertThat(Service.SQS.operation(request("AmazonSQS.SendMessage", "{\"MessageBody\":\"x\"}"), ARNS)
                .problem()).contains("QueueUrl");
    }

    @Test
    void sqsBatchesAreCheckedAsTheirSingleActionAndQueuesByName() {
        assertThat(Service.SQS.operation(request("AmazonSQS.DeleteMessageBatch",
                "{\"QueueUrl\":\"http://127.0.0.1:1/000000000000/q\",\"Entries\":[]}"), ARNS).authorizations())
                .containsExactly(new Authorization("sqs:DeleteMessage", "arn:aws:sqs:eu-west-1:000000000000:q"));
        assertThat(Service.SQS.operation(request("AmazonSQS.GetQueueUrl", "{\"QueueName\":\"q\"}"), ARNS)
                .authorizations()).containsExactly(new Authorization("sqs:GetQueueUrl",
                "arn:aws:sqs:eu-west-1:000000000000:q"));
    }

    @Test
    void theTableOfASingleTableRequestIsReadFromItsFirstFieldOrByTheParser() {
        assertThat(Service.leadingTableName("{\"TableName\":\"Pets\",\"Key\":{}}".getBytes())).isEqualTo("Pets");
        assertThat(Service.leadingTableName("{\"Key\":{},\"TableName\":\"Pets\"}".getBytes())).isNull();
        assertThat(Service.leadingTableName("{\"TableName\":\"P\\u0065ts\"}".getBytes())).isNull();
        assertThat(Service.leadingTableName("{\"TableName\":\"Pets\"x}".getBytes())).isNull();
        // either way the same check
        for (String body : new String[] {"{\"TableName\":\"Pets\",\"Key\":{}}", "{\"Key\":{},\"TableName\":\"Pets\"}",
                "{\"TableName\":\"P\\u0065ts\",\"Key\":{}}"}) {
            assertThat(Service.DYNAMODB.operation(request("DynamoDB_20120810.DeleteItem", body), ARNS)
                    .authorizations()).as(body).containsExactly(new Authorization("dynamodb:DeleteItem", TABLE + "Pets"));
        }
    }
}
