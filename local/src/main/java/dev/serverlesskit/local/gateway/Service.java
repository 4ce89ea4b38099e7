package dev.serverlesskit.local.gateway;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.serverlesskit.local.iam.SigV4;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The services the gateway stands in front of, each with how a request maps to IAM actions and resources (reading
 * only {@code X-Amz-Target} or {@code Action=} and the few body fields that name the resources) and the errors the
 * real service returns when a request is refused, in its own protocol.
 */
public enum Service {
    DYNAMODB("dynamodb", "DynamoDB") {
        @Override
        Operation operation(HttpMessage request, Arns arns) {
            String op = target(request, "DynamoDB_20120810.");
            if (op == null) {
                return Operation.unmapped("?", false, "no X-Amz-Target DynamoDB_20120810.<operation>");
            }
            Fields f;
            try {
                f = Fields.read(request.body(), true);
            } catch (IOException e) {
                return Operation.unmapped(op, false, "the body is not JSON: " + e.getMessage());
            }
            List<Authorization> checks = new ArrayList<>();
            switch (op) {
                case "BatchWriteItem", "BatchGetItem" -> {
                    for (String table : f.requestItems) {
                        checks.add(new Authorization("dynamodb:" + op, arns.table(table)));
                    }
                }
                case "TransactWriteItems", "TransactGetItems" -> {
                    for (String[] item : f.transactItems) {
                        String action = switch (item[0]) {
                            case "Put" -> "PutItem";
                            case "Update" -> "UpdateItem";
                            case "Delete" -> "DeleteItem";
                            case "ConditionCheck" -> "ConditionCheckItem";
                            case "Get" -> "GetItem";
                            default -> null;
                        };
                        if (action == null || item[1] == null) {
                            return Operation.unmapped(op, false, "transaction item " + item[0] + " not understood");
                        }
                        checks.add(new Authorization("dynamodb:" + action, arns.table(item[1])));
                    }
                }
                case "ExecuteStatement", "BatchExecuteStatement", "ExecuteTransaction" -> {
                    return Operation.unmapped(op, false, "PartiQL statements are not mapped to IAM resources");
                }
                default -> {
                    String resource;
                    if (f.tableName != null) {
                        resource = arns.table(f.tableName);
                        if (f.indexName != null && (op.equals("Query") || op.equals("Scan"))) {
                            resource += "/index/" + f.indexName;
                        }
                    } else if (f.resourceArn != null) {
                        resource = f.resourceArn;
                    } else {
                        resource = "*";
                    }
                    checks.add(new Authorization("dynamodb:" + op, resource));
                }
            }
            if (checks.isEmpty()) {
                return Operation.unmapped(op, false, "no table named in the request");
            }
            return new Operation(op, true, checks, false, null);
        }

        @Override
        HttpMessage refuse(Refusal refusal, String message, boolean queryProtocol) {
            String type = refusal.jsonType();
            String field = type.equals("AccessDeniedException") ? "Message" : "message";
            return json(400, "Bad Request", "application/x-amz-json-1.0",
                    "{\"__type\":\"com.amazon.coral.service#" + type + "\",\"" + field + "\":" + quote(message) + "}",
                    List.of());
        }
    },

    SQS("sqs", "SQS") {
        @Override
        Operation operation(HttpMessage request, Arns arns) {
            String op = target(request, "AmazonSQS.");
            boolean query = false;
            String queueUrl;
            String queueName;
            String owner;
            if (op != null) {
                if (!request.rawPath().equals("/")) {
                    // ElasticMQ reads a queue from the path too: only the queue the body names may be acted on
                    return Operation.unmapped(op, false, "a JSON-protocol request is posted to /, not "
                            + request.rawPath());
                }
                Fields f;
                try {
                    f = Fields.read(request.body(), false);
                } catch (IOException e) {
                    return Operation.unmapped(op, false, "the body is not JSON: " + e.getMessage());
                }
                queueUrl = f.queueUrl;
                queueName = f.queueName;
                owner = f.queueOwner;
            } else {
                query = true;
                Map<String, List<String>> form = form(request);
                for (String name : NAMING_PARAMETERS) {
                    if (form.getOrDefault(name, List.of()).size() > 1) {
                        return Operation.unmapped("?", true, "parameter " + name + " is given more than once");
                    }
                }
                op = first(form, "Action");
                if (op == null) {
                    return Operation.unmapped("?", true, "neither X-Amz-Target AmazonSQS.<operation> nor Action=");
                }
                queueUrl = first(form, "QueueUrl");
                queueName = first(form, "QueueName");
                owner = first(form, "QueueOwnerAWSAccountId");
                String path = request.rawPath();
                if (path.length() > 1) { // the queue's own URL, as older clients post to it
                    if (queueUrl == null) {
                        queueUrl = path;
                    } else if (!path.equals(rawPathOf(queueUrl))) {
                        return Operation.unmapped(op, true, "the request's path " + path
                                + " names another queue than its QueueUrl");
                    }
                }
            }
            String action = "sqs:" + switch (op) {
                case "SendMessageBatch" -> "SendMessage";
                case "DeleteMessageBatch" -> "DeleteMessage";
                case "ChangeMessageVisibilityBatch" -> "ChangeMessageVisibility";
                default -> op;
            };
            String resource;
            if (op.equals("ListQueues")) {
                resource = "*";
            } else if (queueUrl != null) {
                resource = arns.queueFromUrl(queueUrl);
                if (resource == null) {
                    return Operation.unmapped(op, query, "QueueUrl '" + queueUrl + "' does not name a queue");
                }
            } else if (queueName != null) {
                resource = arns.queue(owner, queueName);
            } else {
                return Operation.unmapped(op, query, "no QueueUrl or QueueName in the request");
            }
            return new Operation(op, true, List.of(new Authorization(action, resource)), query, null);
        }

        @Override
        HttpMessage refuse(Refusal refusal, String message, boolean queryProtocol) {
            // the JSON protocol's __type and the Query protocol's code, as SQS returns them
            String[] e = switch (refusal) {
                case ACCESS_DENIED, UNMAPPED, MISSING -> new String[] {"403", "AccessDeniedException", "AccessDenied"};
                case INCOMPLETE -> new String[] {"400", "IncompleteSignatureException", "IncompleteSignature"};
                case UNKNOWN_KEY, BAD_TOKEN ->
                        new String[] {"403", "UnrecognizedClientException", "InvalidClientTokenId"};
                case MISMATCH, EXPIRED -> new String[] {"403", "InvalidSignatureException", "SignatureDoesNotMatch"};
            };
            int status = Integer.parseInt(e[0]);
            String reason = status == 403 ? "Forbidden" : "Bad Request";
            String requestId = UUID.randomUUID().toString();
            if (queryProtocol) {
                String xml = "<?xml version=\"1.0\"?>"
                        + "<ErrorResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\">"
                        + "<Error><Type>Sender</Type><Code>" + e[2] + "</Code><Message>" + xml(message)
                        + "</Message><Detail/></Error><RequestId>" + requestId + "</RequestId></ErrorResponse>";
                return json(status, reason, "text/xml", xml, List.of());
            }
            return json(status, reason, "application/x-amz-json-1.0",
                    "{\"__type\":\"com.amazon.coral.service#" + e[1] + "\",\"message\":" + quote(message) + "}",
                    List.<String[]>of(new String[] {"x-amzn-query-error", e[2] + ";Sender"}));
        }

        @Override
        String actionInMessages(String action) {
            return action.toLowerCase(Locale.ROOT); // SQS writes "sqs:sendmessage" in its messages
        }
    },

    COGNITO_IDP("cognito-idp", "Cognito") {
        /** Operations a user makes with their own tokens or none (no AWS credentials, no IAM). */
        private static final Set<String> UNSIGNED = Set.of("SignUp", "ConfirmSignUp", "InitiateAuth",
                "RespondToAuthChallenge", "ForgotPassword", "ConfirmForgotPassword", "ResendConfirmationCode",
                "GetUser", "ChangePassword", "DeleteUser", "GlobalSignOut", "RevokeToken", "UpdateUserAttributes",
                "VerifyUserAttribute", "GetUserAttributeVerificationCode", "DeleteUserAttributes",
                "AssociateSoftwareToken", "VerifySoftwareToken", "SetUserMFAPreference", "SetUserSettings",
                "ConfirmDevice", "ForgetDevice", "GetDevice", "ListDevices", "UpdateDeviceStatus",
                "GetTokensFromRefreshToken", "UpdateAuthEventFeedback", "GetUserAuthFactors");

        @Override
        Operation operation(HttpMessage request, Arns arns) {
            String op = target(request, "AWSCognitoIdentityProviderService.");
            if (op == null) {
                return Operation.unmapped("?", false, "no X-Amz-Target AWSCognitoIdentityProviderService.<operation>");
            }
            if (UNSIGNED.contains(op)) {
                return new Operation(op, false, List.of(), false, null);
            }
            Fields f;
            try {
                f = Fields.read(request.body(), false);
            } catch (IOException e) {
                return Operation.unmapped(op, false, "the body is not JSON: " + e.getMessage());
            }
            String resource = f.userPoolId != null ? arns.userPool(f.userPoolId) : "*";
            return new Operation(op, true, List.of(new Authorization("cognito-idp:" + op, resource)), false, null);
        }

        @Override
        HttpMessage refuse(Refusal refusal, String message, boolean queryProtocol) {
            String type = refusal.jsonType();
            return json(400, "Bad Request", "application/x-amz-json-1.1",
                    "{\"__type\":\"" + type + "\",\"message\":" + quote(message) + "}", List.of());
        }
    };

    /** Why a request is refused: IAM denied it, it could not be mapped, or its signature failed. */
    public enum Refusal {
        ACCESS_DENIED, UNMAPPED, MISSING, INCOMPLETE, UNKNOWN_KEY, BAD_TOKEN, MISMATCH, EXPIRED;

        /** The error type AWS's JSON-protocol services (DynamoDB, Cognito) answer this refusal with. */
        String jsonType() {
            return switch (this) {
                case ACCESS_DENIED, UNMAPPED -> "AccessDeniedException";
                case MISSING -> "MissingAuthenticationTokenException";
                case INCOMPLETE -> "IncompleteSignatureException";
                case UNKNOWN_KEY, BAD_TOKEN -> "UnrecognizedClientException";
                case MISMATCH, EXPIRED -> "InvalidSignatureException";
            };
        }

        static Refusal of(SigV4.Failure f) {
            return valueOf(f.name());
        }
    }

    /**
     * Refuses a body that names a field twice in one object: the engines' parsers keep the last value where a
     * checker that kept the first would authorize one table or queue and forward a request for another.
     */
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    /** Query-protocol parameters that name what a request acts on: each may be given once, in the query or body. */
    private static final Set<String> NAMING_PARAMETERS = Set.of("Action", "QueueUrl", "QueueName",
            "QueueOwnerAWSAccountId");
    private final String signingName;
    private final String label;

    Service(String signingName, String label) {
        this.signingName = signingName;
        this.label = label;
    }

    /** The service name in SigV4 credential scopes and IAM actions. */
    public String signingName() {
        return signingName;
    }

    public String label() {
        return label;
    }

    abstract Operation operation(HttpMessage request, Arns arns);

    abstract HttpMessage refuse(Refusal refusal, String message, boolean queryProtocol);

    /** How the service writes an action in its error messages. */
    String actionInMessages(String action) {
        return action;
    }

    /** Builds ARNs of this account and region from the names requests carry. */
    public record Arns(String region, String account) {
        String table(String nameOrArn) {
            return nameOrArn.startsWith("arn:") ? nameOrArn
                    : "arn:aws:dynamodb:" + region + ":" + account + ":table/" + nameOrArn;
        }

        String queue(String owner, String name) {
            return "arn:aws:sqs:" + region + ":" + (owner != null ? owner : account) + ":" + name;
        }

        /** {@code http(s)://host/<account>/<name>} or {@code /<account>/<name>}, as SQS queue URLs are. */
        String queueFromUrl(String url) {
            String path = url.startsWith("/") ? url : URI.create(url).getRawPath();
            String[] parts = path == null ? new String[0] : path.split("/");
            if (parts.length != 3 || parts[1].isEmpty() || parts[2].isEmpty()) {
                return null;
            }
            return queue(parts[1], parts[2]);
        }

        String userPool(String id) {
            return "arn:aws:cognito-idp:" + region + ":" + account + ":userpool/" + id;
        }
    }

    private static String target(HttpMessage request, String prefix) {
        String t = request.first("x-amz-target");
        return t != null && t.startsWith(prefix) && t.length() > prefix.length() ? t.substring(prefix.length()) : null;
    }

    /** Every parameter of the query string and the form body, with all its values in order. */
    private static Map<String, List<String>> form(HttpMessage request) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        String body = new String(request.body(), StandardCharsets.UTF_8);
        String q = request.rawQuery();
        for (String source : new String[] {q == null ? "" : q, body}) {
            for (String pair : source.split("&")) {
                int eq = pair.indexOf('=');
                String name = eq < 0 ? pair : pair.substring(0, eq);
                if (!name.isEmpty()) {
                    out.computeIfAbsent(URLDecoder.decode(name, StandardCharsets.UTF_8), k -> new ArrayList<>())
                            .add(eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }

    private static String rawPathOf(String url) {
        try {
            return URI.create(url).getRawPath();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String first(Map<String, List<String>> form, String name) {
        List<String> values = form.get(name);
        return values == null ? null : values.get(0);
    }

    static HttpMessage json(int status, String reason, String contentType, String body, List<String[]> extra) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        List<String[]> headers = new ArrayList<>(extra);
        headers.add(new String[] {"Content-Type", contentType});
        headers.add(new String[] {"x-amzn-RequestId", UUID.randomUUID().toString()});
        headers.add(new String[] {"Content-Length", Integer.toString(b.length)});
        return HttpMessage.response(status, reason, headers, b);
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** The few top-level fields that name resources, read with a streaming parser that skips everything else. */
    static final class Fields {
        String tableName;
        String indexName;
        String resourceArn;
        String queueUrl;
        String queueName;
        String queueOwner;
        String userPoolId;
        final List<String> requestItems = new ArrayList<>(2);
        final List<String[]> transactItems = new ArrayList<>(2);

        static Fields read(byte[] body, boolean dynamo) throws IOException {
            Fields f = new Fields();
            if (body.length == 0) {
                return f;
            }
            try (JsonParser p = JSON.createParser(body)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    throw new IOException("not a JSON object");
                }
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken value = p.nextToken();
                    switch (name) {
                        case "TableName" -> f.tableName = text(p, value);
                        case "IndexName" -> f.indexName = text(p, value);
                        case "ResourceArn" -> f.resourceArn = text(p, value);
                        case "QueueUrl" -> f.queueUrl = text(p, value);
                        case "QueueName" -> f.queueName = text(p, value);
                        case "QueueOwnerAWSAccountId" -> f.queueOwner = text(p, value);
                        case "UserPoolId" -> f.userPoolId = text(p, value);
                        case "RequestItems" -> {
                            if (dynamo && value == JsonToken.START_OBJECT) {
                                while (p.nextToken() == JsonToken.FIELD_NAME) {
                                    f.requestItems.add(p.currentName());
                                    p.nextToken();
                                    p.skipChildren();
                                }
                            } else {
                                p.skipChildren();
                            }
                        }
                        case "TransactItems" -> {
                            if (dynamo && value == JsonToken.START_ARRAY) {
                                while (p.nextToken() == JsonToken.START_OBJECT) {
                                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                                        String kind = p.currentName();
                                        String table = null;
                                        if (p.nextToken() == JsonToken.START_OBJECT) {
                                            while (p.nextToken() == JsonToken.FIELD_NAME) {
                                                String field = p.currentName();
                                                JsonToken v = p.nextToken();
                                                if (field.equals("TableName")) {
                                                    table = text(p, v);
                                                } else {
                                                    p.skipChildren();
                                                }
                                            }
                                        } else {
                                            p.skipChildren();
                                        }
                                        f.transactItems.add(new String[] {kind, table});
                                    }
                                }
                            } else {
                                p.skipChildren();
                            }
                        }
                        default -> p.skipChildren();
                    }
                }
            }
            return f;
        }

        private static String text(JsonParser p, JsonToken t) throws IOException {
            if (t == JsonToken.VALUE_STRING) {
                return p.getText();
            }
            p.skipChildren();
            return null;
        }
    }
}
