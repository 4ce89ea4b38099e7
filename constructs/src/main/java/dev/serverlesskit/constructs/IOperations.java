package dev.serverlesskit.constructs;

import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.sns.ITopic;
import software.constructs.IConstruct;

/**
 * Where the library's alarms notify: an {@link Operations} hub of this app (in this stack or another), or one imported
 * from its topic with {@link Operations#fromTopicArn}. Pass it as {@code operations} to the other constructs.
 */
public interface IOperations extends IConstruct {
    /**
     * Routes an alarm to the topic and shows it on a dashboard: the hub's own for an alarm of its stack, else one in
     * the alarm's stack, so that no stack references the other both ways.
     */
    void addAlarm(Alarm alarm);

    /** The topic every alarm notifies. */
    ITopic getTopic();
}
