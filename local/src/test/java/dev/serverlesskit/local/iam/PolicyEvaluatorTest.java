package dev.serverlesskit.local.iam;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.serverlesskit.local.Json;
import dev.serverlesskit.local.iam.Decision.Reason;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Statements x requests -> decision, one row per rule of IAM's evaluation logic the runtime relies on. */
class PolicyEvaluatorTest {
    static final String ACCOUNT = "000000000000";
    static final String PETS = "arn:aws:dynamodb:eu-west-1:000000000000:table/Pets";
    static final String QUEUE = "arn:aws:sqs:eu-west-1:000000000000:clicks";
    static final Caller CALLER = Caller.functionRole(ACCOUNT, "eu-west-1", "AddPetRole", "AROAEXAMPLE", "add-pet");

    /** {@code identity}, {@code resourcePolicy}, {@code boundary}: JSON arrays of statements (boundary null = none). */
    record Row(String name, String identity, String resourcePolicy, String boundary, String action, String resource,
               Reason expected, String reported) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> rows() {
        String allowPut = "[{'Effect':'Allow','Action':'dynamodb:PutItem','Resource':'" + PETS + "'}]";
        return Stream.of(
                row("exact action and resource", allowPut, "[]", null, "dynamodb:PutItem", PETS, Reason.ALLOWED, null),
                row("another action", allowPut, "[]", null, "dynamodb:DeleteItem", PETS, Reason.NO_IDENTITY_ALLOW,
                        null),
                row("another table", allowPut, "[]", null, "dynamodb:PutItem", PETS + "2", Reason.NO_IDENTITY_ALLOW,
                        null),
                row("no statements at all", "[]", "[]", null, "dynamodb:GetItem", PETS, Reason.NO_IDENTITY_ALLOW, null),
                row("action wildcard", "[{'Effect':'Allow','Action':'dynamodb:*','Resource':'*'}]", "[]", null,
                        "dynamodb:Query", PETS, Reason.ALLOWED, null),
                row("action prefix wildcard does not reach other verbs",
                        "[{'Effect':'Allow','Action':'dynamodb:Get*','Resource':'*'}]", "[]", null,
                        "dynamodb:PutItem", PETS, Reason.NO_IDENTITY_ALLOW, null),
                row("actions ignore case", "[{'Effect':'Allow','Action':'DynamoDB:putitem','Resource':'" + PETS + "'}]",
                        "[]", null, "dynamodb:PutItem", PETS, Reason.ALLOWED, null),
                row("resources respect case", "[{'Effect':'Allow','Action':'dynamodb:PutItem','Resource':'"
                        + PETS.toLowerCase() + "'}]", "[]", null, "dynamodb:PutItem", PETS, Reason.NO_IDENTITY_ALLOW,
                        null),
                row("index wildcard covers an index",
                        "[{'Effect':'Allow','Action':'dynamodb:Query','Resource':'" + PETS + "/index/*'}]", "[]", null,
                        "dynamodb:Query", PETS + "/index/byBuyer", Reason.ALLOWED, null),
                row("index wildcard does not cover the table",
                        "[{'Effect':'Allow','Action':'dynamodb:Query','Resource':'" + PETS + "/index/*'}]", "[]", null,
                        "dynamodb:Query", PETS, Reason.NO_IDENTITY_ALLOW, null),
                row("table grant does not cover its indexes", allowPut.replace("PutItem", "Query"), "[]", null,
                        "dynamodb:Query", PETS + "/index/byBuyer", Reason.NO_IDENTITY_ALLOW, null),
                row("? matches one character",
                        "[{'Effect':'Allow','Action':'sqs:SendMessage','Resource':'" + QUEUE.replace("clicks", "click?")
                                + "'}]",
                        "[]", null, "sqs:SendMessage", QUEUE, Reason.ALLOWED, null),
                row("? does not match two",
                        "[{'Effect':'Allow','Action':'sqs:SendMessage','Resource':'" + QUEUE.replace("clicks", "cli?")
                                + "'}]",
                        "[]", null, "sqs:SendMessage", QUEUE, Reason.NO_IDENTITY_ALLOW, null),
                row("Deny beats Allow", "[{'Effect':'Allow','Action':'dynamodb:*','Resource':'*'},"
                        + "{'Effect':'Deny','Action':'dynamodb:DeleteItem','Resource':'" + PETS + "'}]", "[]", null,
                        "dynamodb:DeleteItem", PETS, Reason.EXPLICIT_DENY_IDENTITY, null),
                row("Deny of another action leaves the Allow",
                        "[{'Effect':'Allow','Action':'dynamodb:*','Resource':'*'},"
                        + "{'Effect':'Deny','Action':'dynamodb:DeleteItem','Resource':'" + PETS + "'}]", "[]", null,
                        "dynamodb:PutItem", PETS, Reason.ALLOWED, null),
                row("NotAction allows everything else",
                        "[{'Effect':'Allow','NotAction':'dynamodb:DeleteItem','Resource':'" + PETS + "'}]", "[]", null,
                        "dynamodb:PutItem", PETS, Reason.ALLOWED, null),
                row("NotAction does not allow what it names",
                        "[{'Effect':'Allow','NotAction':'dynamodb:DeleteItem','Resource':'" + PETS + "'}]", "[]", null,
                        "dynamodb:DeleteItem", PETS, Reason.NO_IDENTITY_ALLOW, null),
                row("NotResource Deny hits every other resource",
                        "[{'Effect':'Allow','Action':'dynamodb:PutItem','Resource':'*'},"
                                + "{'Effect':'Deny','Action':'dynamodb:*','NotResource':'" + PETS + "'}]", "[]", null,
                        "dynamodb:PutItem", PETS + "2", Reason.EXPLICIT_DENY_IDENTITY, null),
                row("NotResource Deny spares what it names",
                        "[{'Effect':'Allow','Action':'dynamodb:PutItem','Resource':'*'},"
                                + "{'Effect':'Deny','Action':'dynamodb:*','NotResource':'" + PETS + "'}]", "[]", null,
                        "dynamodb:PutItem", PETS, Reason.ALLOWED, null),
                row("TLS-only queue policy: the caller uses HTTPS",
                        "[{'Effect':'Allow','Action':'sqs:SendMessage','Resource':'" + QUEUE + "'}]",
                        "[{'Effect':'Deny','Principal':{'AWS':'*'},'Action':'sqs:*','Resource':'" + QUEUE + "',"
                                + "'Condition':{'Bool':{'aws:SecureTransport':'false'}}}]", null,
                        "sqs:SendMessage", QUEUE, Reason.ALLOWED, null),
                row("a Deny on TLS for everyone applies to the role",
                        "[{'Effect':'Allow','Action':'sqs:SendMessage','Resource':'" + QUEUE + "'}]",
                        "[{'Effect':'Deny','Principal':{'AWS':'*'},'Action':'sqs:*','Resource':'" + QUEUE + "',"
                                + "'Condition':{'Bool':{'aws:SecureTransport':'true'}}}]", null,
                        "sqs:SendMessage", QUEUE, Reason.EXPLICIT_DENY_RESOURCE, null),
                row("resource policy naming the role allows without an identity grant", "[]",
                        "[{'Effect':'Allow','Principal':{'AWS':'arn:aws:iam::000000000000:role/AddPetRole'},"
                                + "'Action':'sqs:SendMessage','Resource':'" + QUEUE + "'}]", null,
                        "sqs:SendMessage", QUEUE, Reason.ALLOWED, null),
                row("resource policy allowing the account delegates to identity policies: no grant by itself", "[]",
                        "[{'Effect':'Allow','Principal':{'AWS':'arn:aws:iam::000000000000:root'},"
                                + "'Action':'sqs:SendMessage','Resource':'" + QUEUE + "'}]", null,
                        "sqs:SendMessage", QUEUE, Reason.NO_IDENTITY_ALLOW, null),
                row("resource policy allowing the account id: no grant by itself", "[]",
                        "[{'Effect':'Allow','Principal':{'AWS':'000000000000'},"
                                + "'Action':'sqs:SendMessage','Resource':'" + QUEUE + "'}]", null,
                        "sqs:SendMessage", QUEUE, Reason.NO_IDENTITY_ALLOW, null),
                row("resource policy denying the account denies its roles",
                        "[{'Effect':'Allow','Action':'sqs:SendMessage','Resource':'" + QUEUE + "'}]",
                        "[{'Effect':'Deny','Principal':{'AWS':'arn:aws:iam::000000000000:root'},"
                                + "'Action':'sqs:SendMessage','Resource':'" + QUEUE + "'}]", null,
                        "sqs:SendMessage", QUEUE, Reason.EXPLICIT_DENY_RESOURCE, null),
                row("resource policy for a service principal does not allow the role", "[]",
                        "[{'Effect':'Allow','Principal':{'Service':'sns.amazonaws.com'},'Action':'sqs:SendMessage',"
                                + "'Resource':'" + QUEUE + "'}]", null,
                        "sqs:SendMessage", QUEUE, Reason.NO_IDENTITY_ALLOW, null),
                row("NotPrincipal Deny spares the principal it names",
                        "[{'Effect':'Allow','Action':'sqs:SendMessage','Resource':'" + QUEUE + "'}]",
                        "[{'Effect':'Deny','NotPrincipal':{'AWS':'arn:aws:iam::000000000000:role/AddPetRole'},"
                                + "'Action':'sqs:*','Resource':'" + QUEUE + "'}]", null,
                        "sqs:SendMessage", QUEUE, Reason.ALLOWED, null),
                row("StringEquals on a modeled key",
                        "[{'Effect':'Allow','Action':'dynamodb:PutItem','Resource':'*',"
                                + "'Condition':{'StringEquals':{'aws:RequestedRegion':['us-east-1','eu-west-1']}}}]",
                        "[]", null, "dynamodb:PutItem", PETS, Reason.ALLOWED, null),
                row("StringEquals not met",
                        "[{'Effect':'Allow','Action':'dynamodb:PutItem','Resource':'*',"
                                + "'Condition':{'StringEquals':{'aws:RequestedRegion':'us-east-1'}}}]",
                        "[]", null, "dynamodb:PutItem", PETS, Reason.NO_IDENTITY_ALLOW, null),
                row("ArnLike on the principal",
                        "[{'Effect':'Allow','Action':'dynamodb:PutItem','Resource':'*',"
                                + "'Condition':{'ArnLike':{'aws:PrincipalArn':'arn:aws:iam::*:role/Add*'}}}]",
                        "[]", null, "dynamodb:PutItem", PETS, Reason.ALLOWED, null),
                row("every key of a condition must hold",
                        "[{'Effect':'Allow','Action':'dynamodb:PutItem','Resource':'*','Condition':{"
                                + "'StringEquals':{'aws:RequestedRegion':'eu-west-1','aws:PrincipalAccount':'1'}}}]",
                        "[]", null, "dynamodb:PutItem", PETS, Reason.NO_IDENTITY_ALLOW, null),
                row("a key absent on AWS fails StringEquals",
                        "[{'Effect':'Allow','Action':'dynamodb:PutItem','Resource':'*',"
                                + "'Condition':{'StringEquals':{'aws:SourceAccount':'000000000000'}}}]",
                        "[]", null, "dynamodb:PutItem", PETS, Reason.NO_IDENTITY_ALLOW, null),
                row("a key absent on AWS meets StringNotEquals",
                        "[{'Effect':'Allow','Action':'dynamodb:PutItem','Resource':'*',"
                                + "'Condition':{'StringNotEquals':{'aws:SourceAccount':'111111111111'}}}]",
                        "[]", null, "dynamodb:PutItem", PETS, Reason.ALLOWED, null),
                row("IfExists on an absent key",
                        "[{'Effect':'Allow','Action':'dynamodb:PutItem','Resource':'*',"
                                + "'Condition':{'ArnEqualsIfExists':{'aws:SourceArn':'arn:aws:sns:x'}}}]",
                        "[]", null, "dynamodb:PutItem", PETS, Reason.ALLOWED, null),
                row("Null true on an absent key",
                        "[{'Effect':'Allow','Action':'dynamodb:PutItem','Resource':'*',"
                                + "'Condition':{'Null':{'aws:SourceArn':'true'}}}]",
                        "[]", null, "dynamodb:PutItem", PETS, Reason.ALLOWED, null),
                row("unmodeled key in an Allow: reported, never allows",
                        "[{'Effect':'Allow','Action':'dynamodb:PutItem','Resource':'*',"
                                + "'Condition':{'IpAddress':{'aws:SourceIp':'10.0.0.0/8'}}}]",
                        "[]", null, "dynamodb:PutItem", PETS, Reason.NO_IDENTITY_ALLOW, "aws:SourceIp"),
                row("unmodeled key in a Deny: reported, denies (fail closed)",
                        "[{'Effect':'Allow','Action':'dynamodb:PutItem','Resource':'*'},"
                                + "{'Effect':'Deny','Action':'*','Resource':'*',"
                                + "'Condition':{'StringNotEquals':{'aws:SourceVpce':'vpce-1'}}}]",
                        "[]", null, "dynamodb:PutItem", PETS, Reason.EXPLICIT_DENY_IDENTITY, "aws:SourceVpce"),
                row("unknown operator: reported, never allows",
                        "[{'Effect':'Allow','Action':'dynamodb:PutItem','Resource':'*',"
                                + "'Condition':{'NumericLessThan':{'aws:MultiFactorAuthAge':'3600'}}}]",
                        "[]", null, "dynamodb:PutItem", PETS, Reason.NO_IDENTITY_ALLOW, "NumericLessThan"),
                row("set operator: reported, never allows",
                        "[{'Effect':'Allow','Action':'dynamodb:PutItem','Resource':'*',"
                                + "'Condition':{'ForAllValues:StringEquals':{'aws:RequestedRegion':'eu-west-1'}}}]",
                        "[]", null, "dynamodb:PutItem", PETS, Reason.NO_IDENTITY_ALLOW, "ForAllValues"),
                row("policy variable: reported, never allows",
                        "[{'Effect':'Allow','Action':'dynamodb:PutItem',"
                                + "'Resource':'arn:aws:dynamodb:*:*:table/${aws:username}'}]",
                        "[]", null, "dynamodb:PutItem", PETS, Reason.NO_IDENTITY_ALLOW, "policy variable"),
                row("statement without Resource: reported, never allows",
                        "[{'Effect':'Allow','Action':'dynamodb:PutItem'}]",
                        "[]", null, "dynamodb:PutItem", PETS, Reason.NO_IDENTITY_ALLOW, "no Resource"),
                row("permissions boundary that does not allow", allowPut, "[]",
                        "[{'Effect':'Allow','Action':'dynamodb:GetItem','Resource':'*'}]",
                        "dynamodb:PutItem", PETS, Reason.NO_BOUNDARY_ALLOW, null),
                row("permissions boundary that allows", allowPut, "[]",
                        "[{'Effect':'Allow','Action':'dynamodb:*','Resource':'*'}]",
                        "dynamodb:PutItem", PETS, Reason.ALLOWED, null),
                row("the boundary grants nothing by itself", "[]", "[]",
                        "[{'Effect':'Allow','Action':'dynamodb:*','Resource':'*'}]",
                        "dynamodb:PutItem", PETS, Reason.NO_IDENTITY_ALLOW, null));
    }

    private static Arguments row(String name, String identity, String resourcePolicy, String boundary, String action,
                                 String resource, Reason expected, String reported) {
        return Arguments.of(new Row(name, identity, resourcePolicy, boundary, action, resource, expected, reported));
    }

    static List<Statement> statements(String json, String source, boolean resourcePolicy) {
        if (json == null) {
            return null;
        }
        JsonNode array = Json.parse(json.replace('\'', '"'));
        List<Statement> out = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            out.add(Statement.parse(source + "#" + i, array.get(i), resourcePolicy));
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void decides(Row row) {
        Policies role = new Policies(statements(row.identity(), "Identity", false),
                statements(row.boundary(), "Boundary", false), List.of());
        Decision d = PolicyEvaluator.evaluate(role, statements(row.resourcePolicy(), "QueuePolicy", true), CALLER,
                row.action(), row.resource());
        assertThat(d.reason()).as(row.name() + ": " + d).isEqualTo(row.expected());
        if (row.reported() == null) {
            assertThat(d.unevaluable()).as(row.name()).isEmpty();
        } else {
            assertThat(d.unevaluable()).as(row.name()).anySatisfy(u -> assertThat(u).contains(row.reported()));
        }
        assertThat(d.allowedBy().isEmpty()).as(row.name() + ": the allowing statements are named")
                .isEqualTo(!d.allowed());
    }

    @Test
    void anAwsManagedPolicyIsReportedAndAllowsNothing() {
        Policies role = new Policies(List.of(), null,
                List.of("arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess: an AWS managed policy is not in the"
                        + " template"));
        Decision d = PolicyEvaluator.evaluate(role, List.of(), CALLER, "dynamodb:PutItem", PETS);
        assertThat(d.allowed()).isFalse();
        assertThat(d.unevaluable()).singleElement().asString().contains("AmazonDynamoDBFullAccess");
    }

    @Test
    void messagesReadAsAwsWritesThem() {
        Decision implicit = PolicyEvaluator.evaluate(new Policies(List.of(), null, List.of()), List.of(), CALLER,
                "dynamodb:PutItem", PETS);
        assertThat(implicit.message(CALLER.sessionArn(), "dynamodb:PutItem", PETS)).isEqualTo(
                "User: arn:aws:sts::000000000000:assumed-role/AddPetRole/add-pet is not authorized to perform: "
                        + "dynamodb:PutItem on resource: " + PETS
                        + " because no identity-based policy allows the dynamodb:PutItem action");
        Decision explicit = PolicyEvaluator.evaluate(new Policies(statements(
                "[{'Effect':'Deny','Action':'*','Resource':'*'}]", "P", false), null, List.of()), List.of(), CALLER,
                "sqs:sendmessage", QUEUE);
        assertThat(explicit.message(CALLER.sessionArn(), "sqs:sendmessage", QUEUE))
                .endsWith("with an explicit deny in an identity-based policy");
    }

    @Test
    void removingAGrantFromAStatementIsSeen() {
        Policies role = new Policies(statements("[{'Effect':'Allow','Action':['dynamodb:GetItem','dynamodb:PutItem'],"
                + "'Resource':'" + PETS + "'}]", "P", false), null, List.of());
        assertThat(PolicyEvaluator.evaluate(role, List.of(), CALLER, "dynamodb:PutItem", PETS).allowed()).isTrue();
        Policies without = role.without("P#0", "dynamodb:PutItem");
        assertThat(PolicyEvaluator.evaluate(without, List.of(), CALLER, "dynamodb:PutItem", PETS).allowed()).isFalse();
        assertThat(PolicyEvaluator.evaluate(without, List.of(), CALLER, "dynamodb:GetItem", PETS).allowed()).isTrue();
    }
}
