package dev.serverlesskit.constructs;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.constructs.Construct;

/**
 * The one place where alarms are made, so that every construct's alarms share evaluation settings, describe
 * themselves the same way and all reach the {@link Operations} topic when one is given.
 */
final class AlarmFactory {
    /**
     * The metric periods the alarms use, made once per JVM: a Duration is an immutable object in the jsii kernel, and
     * each {@code Duration.minutes(..)} is a round trip to it.
     */
    static final Duration ONE_MINUTE = Duration.minutes(1);
    static final Duration FIVE_MINUTES = Duration.minutes(5);

    private final Construct owner;
    private final String ownerPath;
    private final Operations operations;
    private final List<Alarm> alarms = new ArrayList<>();

    AlarmFactory(Construct owner, Operations operations) {
        this.owner = owner;
        this.ownerPath = owner.getNode().getPath();
        this.operations = operations;
    }

    /** An alarm that fires when {@code metric >= threshold} for one evaluation period. */
    Alarm atLeast(String id, IMetric metric, double threshold, String what) {
        Alarm alarm = Alarm.Builder.create(owner, id)
                .metric(metric)
                .threshold(threshold)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .evaluationPeriods(1)
                .datapointsToAlarm(1)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .alarmDescription(what + " (" + ownerPath + ")")
                // paging off: set here rather than on the CfnAlarm afterwards (two jsii round trips per alarm less)
                .actionsEnabled(operations != null && !operations.isPagingEnabled() ? Boolean.FALSE : null)
                .build();
        alarms.add(alarm);
        if (operations != null) {
            operations.addAlarm(alarm, ownerPath + "/" + id, false);
        }
        return alarm;
    }

    List<Alarm> alarms() {
        return Collections.unmodifiableList(alarms);
    }
}
