package dev.serverlesskit.constructs;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Tokenization;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
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
    private final IOperations operations;
    private final List<Alarm> alarms = new ArrayList<>();

    AlarmFactory(Construct owner, IOperations operations) {
        this.owner = owner;
        this.operations = operations;
    }

    /** An alarm that fires when {@code metric >= threshold} for one evaluation period. */
    Alarm atLeast(String id, IMetric metric, Number threshold, String what) {
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

    /**
     * An alarm that fires when {@code metric >= percent% of base x unit}. With literal numbers the threshold is
     * computed here (then rounded); when the percentage or the base is a
     * token (known only at deployment), the alarm compares {@code 100 * metric / (base x unit)} with the percentage
     * in a metric math expression, which CloudWatch evaluates with the deployed values.
     */
    Alarm percentOf(String id, IMetric metric, Duration period, Number percent, Number base, int unit,
                    DoubleUnaryOperator rounding, String what) {
        if (!Check.isToken(percent) && !Check.isToken(base)) {
            double exact = base.doubleValue() * unit * percent.doubleValue() / 100;
            return atLeast(id, metric, rounding.applyAsDouble(exact), what);
        }
        String denominator = Tokenization.stringifyNumber(base) + (unit == 1 ? "" : " * " + unit);
        return atLeast(id, MathExpression.Builder.create()
                .expression("100 * m / (" + denominator + ")")
                .usingMetrics(Map.of("m", metric))
                .label("Percent")
                .period(period)
                .build(), percent, what);
    }

    List<Alarm> alarms() {
        return Collections.unmodifiableList(alarms);
    }
}
