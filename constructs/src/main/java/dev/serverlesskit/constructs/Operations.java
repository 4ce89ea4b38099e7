package dev.serverlesskit.constructs;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.AlarmWidget;
import software.amazon.awscdk.services.cloudwatch.CfnAlarm;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscriptionProps;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;
import software.constructs.IConstruct;

/**
 * The operations hub of a stack: the SNS topic that every alarm notifies, and a CloudWatch dashboard showing
 * every alarm registered with it. Pass it as {@code operations} to the other constructs of this library.
 *
 * <p>Defaults: a KMS-encrypted topic (customer managed key with rotation, since CloudWatch cannot publish to a
 * topic encrypted with the AWS managed SNS key) that refuses non-TLS publishing, paging on.
 *
 * <p>One hub may serve several stacks (one operations stack per account): constructs in other stacks of the app take
 * it as {@code operations}; their alarms notify its topic (those stacks reference the topic, never the reverse) and
 * appear on a dashboard in their own stack, so no dependency cycle arises. Another app imports the hub's topic with
 * {@link #fromTopicArn}.
 */
public class Operations extends Construct implements IOperations {
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

    private final Key topicKey;
    private final Topic topic;
    private final Dashboard dashboard;
    private final SnsAction topicAction;
    private final Queue undeliveredNotifications;
    private final boolean pagingEnabled;
    private final List<Alarm> alarms = new ArrayList<>();

    public Operations(Construct scope, String id, OperationsProps props) {
        super(scope, id);
        OperationsProps p = props == null ? OperationsProps.builder().build() : props;
        StageProfile profile = StageProfile.of(this);
        this.pagingEnabled = Check.or(p.getPagingEnabled(), profile.getPagingEnabled(), true);

        this.topicKey = Key.Builder.create(this, "AlarmTopicKey")
                .description("Encrypts the alarm topic of " + getNode().getPath())
                .enableKeyRotation(true)
                .removalPolicy(Check.removalPolicy(this, "OperationsProps.removalPolicy", p.getRemovalPolicy(),
                        profile.getRemovalPolicy(), RemovalPolicy.RETAIN))
                .build();
        // CloudWatch alarms publish to the topic as the cloudwatch service: it must be able to use the key.
        topicKey.addToResourcePolicy(PolicyStatement.Builder.create()
                .sid("AllowCloudWatchAlarmsToPublish")
                .principals(List.of(new ServicePrincipal("cloudwatch.amazonaws.com")))
                .actions(List.of("kms:Decrypt", "kms:GenerateDataKey"))
                .resources(List.of("*"))
                .build());

        this.topic = Topic.Builder.create(this, "AlarmTopic")
                .masterKey(topicKey)
                .enforceSsl(true)
                .build();
        List<String> emails = Check.or(p.getAlarmEmails(), List.of());
        if (!emails.isEmpty()) {
            // Notifications SNS cannot deliver are kept here rather than dropped.
            this.undeliveredNotifications = Queue.Builder.create(this, "UndeliveredNotifications")
                    .encryption(QueueEncryption.SQS_MANAGED)
                    .enforceSsl(true)
                    .retentionPeriod(Duration.days(14))
                    .build();
            Map<String, String> acknowledgments = new LinkedHashMap<>();
            acknowledgments.put("Serverless-SQSRedrivePolicy",
                    "This is the dead-letter queue of the alarm subscriptions: the end of the line.");
            acknowledgments.put("AwsSolutions-SQS3",
                    "This is the dead-letter queue of the alarm subscriptions (an SNS redrive target).");
            NagAcknowledgments.acknowledge(undeliveredNotifications, acknowledgments);
        } else {
            this.undeliveredNotifications = null;
        }
        for (String email : emails) {
            Check.matches(this, "OperationsProps.alarmEmails", email, EMAIL, "must hold email addresses");
            topic.addSubscription(new EmailSubscription(email, EmailSubscriptionProps.builder()
                    .deadLetterQueue(undeliveredNotifications)
                    .build()));
        }

        this.topicAction = new SnsAction(topic);
        this.dashboard = Dashboard.Builder.create(this, "Dashboard")
                .dashboardName(p.getDashboardName())
                .build();
    }

    /**
     * Routes an alarm to the topic (actions disabled when paging is off) and shows it on the dashboard.
     * The constructs of this library call it for each alarm they create.
     */
    @Override
    public void addAlarm(Alarm alarm) {
        route(alarm, topicAction, pagingEnabled);
        Stack alarmStack = Stack.of(alarm);
        Dashboard board = alarmStack.getNode().getPath().equals(Stack.of(this).getNode().getPath()) ? dashboard
                : dashboardIn(alarmStack, this);
        board.addWidgets(widget(alarm));
        alarms.add(alarm);
    }

    /**
     * The hub of another app or account region setup, from its topic's ARN: alarms notify that topic (its key policy
     * must let {@code cloudwatch.amazonaws.com} use its KMS key, as {@link Operations}' does) and appear on a
     * dashboard in the importing stack.
     */
    public static IOperations fromTopicArn(Construct scope, String id, String topicArn) {
        return new ImportedOperations(scope, id, topicArn);
    }

    /** An alarm notifies the topic on ALARM and OK; with paging off it keeps evaluating but takes no action. */
    static void route(Alarm alarm, SnsAction action, boolean pagingEnabled) {
        alarm.addAlarmAction(action);
        alarm.addOkAction(action);
        if (!pagingEnabled) {
            ((CfnAlarm) alarm.getNode().getDefaultChild()).setActionsEnabled(false);
        }
    }

    static AlarmWidget widget(Alarm alarm) {
        return AlarmWidget.Builder.create().alarm(alarm).title(alarm.getNode().getPath()).width(12).build();
    }

    /** The dashboard of a hub's alarms in another stack: one per hub and stack. */
    static Dashboard dashboardIn(Stack stack, IConstruct hub) {
        String id = "ServerlessKitOperations" + hub.getNode().getAddr().substring(0, 8);
        IConstruct existing = stack.getNode().tryFindChild(id);
        if (existing != null) {
            return (Dashboard) existing.getNode().findChild("Dashboard");
        }
        Construct holder = new Construct(stack, id);
        return Dashboard.Builder.create(holder, "Dashboard").build();
    }

    /** An imported hub. */
    private static final class ImportedOperations extends Construct implements IOperations {
        private final ITopic topic;
        private final SnsAction action;

        ImportedOperations(Construct scope, String id, String topicArn) {
            super(scope, id);
            Check.matches(this, "Operations.fromTopicArn(topicArn)", topicArn,
                    Pattern.compile("arn:aws[a-z-]*:sns:[a-z0-9-]+:\\d{12}:[A-Za-z0-9_-]{1,256}"),
                    "must be an SNS topic ARN");
            this.topic = Topic.fromTopicArn(this, "Topic", topicArn);
            this.action = new SnsAction(topic);
        }

        @Override
        public void addAlarm(Alarm alarm) {
            route(alarm, action, true);
            dashboardIn(Stack.of(alarm), this).addWidgets(widget(alarm));
        }

        @Override
        public ITopic getTopic() {
            return topic;
        }
    }

    /** The topic every alarm notifies: subscribe pagers and chat integrations here. */
    @Override
    public Topic getTopic() {
        return topic;
    }

    /** Where SNS keeps notifications it could not deliver to a subscriber; null without subscriptions. */
    public Queue getUndeliveredNotifications() {
        return undeliveredNotifications;
    }

    /** The customer managed key that encrypts the topic. */
    public Key getTopicKey() {
        return topicKey;
    }

    public Dashboard getDashboard() {
        return dashboard;
    }

    public boolean isPagingEnabled() {
        return pagingEnabled;
    }

    /** Every alarm registered so far, in registration order. */
    public List<Alarm> getAlarms() {
        return Collections.unmodifiableList(alarms);
    }
}
