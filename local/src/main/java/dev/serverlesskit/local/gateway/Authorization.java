package dev.serverlesskit.local.gateway;

/** One IAM check a request needs: the action (as IAM names it, e.g. {@code dynamodb:Query}) on one resource ARN. */
public record Authorization(String action, String resource) {
}
