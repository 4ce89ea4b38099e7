package dev.serverlesskit.bench.harness;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Median, min and max of repeated runs (the whole-process figures). */
public record Stats(double median, double min, double max, int n) {
    public static Stats of(List<? extends Number> values) {
        List<Double> v = new ArrayList<>();
        values.forEach(x -> v.add(x.doubleValue()));
        Collections.sort(v);
        int n = v.size();
        if (n == 0) {
            return new Stats(Double.NaN, Double.NaN, Double.NaN, 0);
        }
        double median = n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
        return new Stats(median, v.get(0), v.get(n - 1), n);
    }

    /** The value at quantile q (nearest rank). */
    public static double quantile(List<? extends Number> values, double q) {
        List<Double> v = new ArrayList<>();
        values.forEach(x -> v.add(x.doubleValue()));
        Collections.sort(v);
        int rank = (int) Math.ceil(q * v.size());
        return v.get(Math.max(0, Math.min(v.size() - 1, rank - 1)));
    }

    public String ms() {
        return String.format("%6.0f ms  (min %5.0f, max %5.0f)", median, min, max);
    }
}
