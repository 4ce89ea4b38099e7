package dev.serverlesskit.constructs;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.AlarmWidget;
import software.amazon.awscdk.services.cloudwatch.CfnAlarm;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscriptionProps;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * The operations hub of a stack: the SNS topic that every alarm notifies, and a CloudWatch dashboard showing
 * every alarm registered with it. Pass it as {@code operations} to the other constructs of this library.
 *
 * <p>Defaults: a KMS-encrypted topic (customer managed key with rotation, since CloudWatch cannot publish to a
 * topic encrypted with the AWS managed SNS key) that refuses non-TLS publishing, paging on.
 */
public class Operations extends Construct {
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
        this.pagingEnabled = p.getPagingEnabled() == null || p.getPagingEnabled();

        this.topicKey = Key.Builder.create(this, "AlarmTopicKey")
                .description("Encrypts the alarm topic of " + getNode().getPath())
                .enableKeyRotation(true)
                .removalPolicy(Check.or(p.getRemovalPolicy(), RemovalPolicy.RETAIN))
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
    public void addAlarm(Alarm alarm) {
        alarm.addAlarmAction(topicAction);
        alarm.addOkAction(topicAction);
        if (!pagingEnabled) {
            ((CfnAlarm) alarm.getNode().getDefaultChild()).setActionsEnabled(false);
        }
        dashboard.addWidgets(AlarmWidget.Builder.create()
                .alarm(alarm)
                .title(alarm.getNode().getPath())
                .width(12)
                .build());
        alarms.add(alarm);
    }

    /** The topic every alarm notifies: subscribe pagers and chat integrations here. */
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
