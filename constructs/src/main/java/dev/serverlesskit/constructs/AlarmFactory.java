package dev.serverlesskit.constructs;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
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
    private final Construct owner;
    private final Operations operations;
    private final List<Alarm> alarms = new ArrayList<>();

    AlarmFactory(Construct owner, Operations operations) {
        this.owner = owner;
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
                .alarmDescription(what + " (" + owner.getNode().getPath() + ")")
                .build();
        alarms.add(alarm);
        if (operations != null) {
            operations.addAlarm(alarm);
        }
        return alarm;
    }

    List<Alarm> alarms() {
        return Collections.unmodifiableList(alarms);
    }
}
