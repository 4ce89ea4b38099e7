/**
 * Serverless Kit constructs: CDK v2 building blocks with secure, observable defaults for a BaaS + FaaS stack.
 *
 * <p>Every construct follows the aws-cdk-lib conventions: a {@code (scope, id, props)} constructor, a props type
 * with a builder whose optional values document their {@code @default}, getters for the underlying L2 resources
 * (escape hatches), and its own CloudWatch alarms, which notify an {@link dev.serverlesskit.constructs.Operations}
 * topic when one is given.
 *
 * <ul>
 *   <li>{@link dev.serverlesskit.constructs.Operations}: the alarm topic and dashboard every other construct reports to.</li>
 *   <li>{@link dev.serverlesskit.constructs.JavaFunction}: a Java Lambda function behind a published alias.</li>
 *   <li>{@link dev.serverlesskit.constructs.DataTable}: an on-demand, encrypted, recoverable DynamoDB table.</li>
 *   <li>{@link dev.serverlesskit.constructs.QueueWorker}: an SQS queue, its dead-letter queue and its consumer.</li>
 *   <li>{@link dev.serverlesskit.constructs.UserDirectory}: a Cognito user pool and a browser app client.</li>
 *   <li>{@link dev.serverlesskit.constructs.ServerlessApi}: a REST API whose every route declares its access
 *       ({@link dev.serverlesskit.constructs.RouteAccess}: Cognito, IAM, a Lambda authorizer, or public with a
 *       reason).</li>
 *   <li>{@link dev.serverlesskit.constructs.StageProfile}: one environment's defaults (removal, retention, paging,
 *       SnapStart, Cognito plan) applied to a scope.</li>
 * </ul>
 *
 * <p>What teams import goes through interfaces: {@link dev.serverlesskit.constructs.IOperations},
 * {@link dev.serverlesskit.constructs.IUserDirectory}, {@link dev.serverlesskit.constructs.IDataTable}.
 *
 * <p>Invalid props fail while the construct is built, that is during synthesis, with a
 * {@link dev.serverlesskit.constructs.ValidationError} (an {@link java.lang.IllegalArgumentException}) whose message
 * starts with the construct path and names the prop. Checks skip values that are tokens.
 */
package dev.serverlesskit.constructs;
