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
    void aFieldNamedTwiceIsRefusedNotAuthorizedForOneTableAndForwardedForAnother() {
        // the engines' JSON parsers keep the last value: authorizing the first would let a request reach another
        // table (or queue) than the one checked
        for (String body : new String[] {"{\"TableName\":\"Pets\",\"Key\":{},\"TableName\":\"Secret\"}",
                "{\"TableName\":\"Pets\",\"T\\u0061bleName\":\"Secret\"}",
                "{\"Key\":{\"k\":{\"S\":\"1\"},\"k\":{\"S\":\"2\"}},\"TableName\":\"Pets\"}"}) {
            Operation op = Service.DYNAMODB.operation(request("DynamoDB_20120810.PutItem", body), ARNS);
            assertThat(op.authorizations()).as(body).isEmpty();
            assertThat(op.problem()).as(body).contains("not JSON");
        }
        Operation sqs = Service.SQS.operation(request("AmazonSQS.SendMessage",
                "{\"QueueUrl\":\"http://127.0.0.1:1/000000000000/q\",\"QueueUrl\":\"http://127.0.0.1:1/000000000000/s\"}"),
                ARNS);
        assertThat(sqs.authorizations()).isEmpty();
    }

    static HttpMessage form(String requestLine, String body) {
        List<String[]> headers = new ArrayList<>();
        headers.add(new String[] {"Content-Type", "application/x-www-form-urlencoded"});
        return new HttpMessage(requestLine, headers, body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theQueryProtocolNamesOneQueueOnce() {
        String q = "http%3A%2F%2F127.0.0.1%3A1%2F000000000000%2Fq";
        String secret = "http%3A%2F%2F127.0.0.1%3A1%2F000000000000%2Fsecret";
        assertThat(Service.SQS.operation(form("POST / HTTP/1.1", "Action=SendMessage&QueueUrl=" + q
                + "&MessageBody=x"), ARNS).authorizations()).containsExactly(
                new Authorization("sqs:SendMessage", "arn:aws:sqs:eu-west-1:000000000000:q"));
        assertThat(Service.SQS.operation(form("POST /000000000000/q HTTP/1.1", "Action=SendMessage&MessageBody=x"),
                ARNS).authorizations()).containsExactly(
                new Authorization("sqs:SendMessage", "arn:aws:sqs:eu-west-1:000000000000:q"));
        // each of these names a second queue that ElasticMQ would act on
        for (HttpMessage confusing : List.of(
                form("POST / HTTP/1.1", "Action=SendMessage&QueueUrl=" + q + "&QueueUrl=" + secret + "&MessageBody=x"),
                form("POST /000000000000/secret HTTP/1.1", "Action=SendMessage&QueueUrl=" + q + "&MessageBody=x"),
                form("POST /?QueueUrl=" + q + " HTTP/1.1", "Action=SendMessage&QueueUrl=" + secret + "&MessageBody=x"),
                form("POST /?Action=SendMessage&QueueUrl=" + q + " HTTP/1.1", "QueueUrl=" + secret + "&MessageBody=x"))) {
            Operation op = Service.SQS.operation(confusing, ARNS);
            assertThat(op.authorizations()).as(confusing.toString()).isEmpty();
            assertThat(op.problem()).as(confusing.toString()).isNotNull();
        }
        // and the JSON protocol is posted to /
        HttpMessage pathed = new HttpMessage("POST /000000000000/secret HTTP/1.1",
                List.<String[]>of(new String[] {"X-Amz-Target", "AmazonSQS.SendMessage"}),
                "{\"QueueUrl\":\"http://127.0.0.1:1/000000000000/q\",\"MessageBody\":\"x\"}"
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(Service.SQS.operation(pathed, ARNS).authorizations()).isEmpty();
    }
}
