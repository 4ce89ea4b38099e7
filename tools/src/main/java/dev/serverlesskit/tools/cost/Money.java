package dev.serverlesskit.tools.cost;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;

/** Dollar amounts and quantities as the reports print them. */
public final class Money {
    private Money() {
    }

    /** $1,234.56; amounts under a cent keep their significant digits ($0.0000133334). */
    public static String format(double amount) {
        String sign = amount < 0 ? "-" : "";
        double a = Math.abs(amount);
        if (a != 0 && a < 0.01) {
            return sign + "$" + new BigDecimal(a).round(new java.math.MathContext(2)).stripTrailingZeros()
                    .toPlainString();
        }
        DecimalFormat f = new DecimalFormat("#,##0.00", DecimalFormatSymbols.getInstance(Locale.ROOT));
        return sign + "$" + f.format(new BigDecimal(a).setScale(2, RoundingMode.HALF_UP));
    }

    /** A monthly amount in a bill: to the cent, "<$0.01" for a fraction of a cent. */
    public static String monthly(double amount) {
        if (amount > 0 && amount < 0.005) {
            return "<$0.01";
        }
        DecimalFormat f = new DecimalFormat("#,##0.00", DecimalFormatSymbols.getInstance(Locale.ROOT));
        return (amount < 0 ? "-$" : "$") + f.format(new BigDecimal(Math.abs(amount)).setScale(2, RoundingMode.HALF_UP));
    }

    /** A unit price exactly as the price table has it, at least to the cent: $0.0000133334, $3.50. */
    public static String price(double price) {
        BigDecimal p = BigDecimal.valueOf(price).stripTrailingZeros();
        if (p.scale() < 2) {
            p = p.setScale(2, RoundingMode.UNNECESSARY);
        }
        return "$" + p.toPlainString();
    }

    /** A signed delta: +$1.20, -$0.40, $0.00. */
    public static String delta(double amount) {
        if (Math.abs(amount) < 0.005) {
            return "$0.00";
        }
        return (amount > 0 ? "+" : "") + format(amount);
    }

    /** 3,000,000; 0.05; 1,234.5. */
    public static String quantity(double q) {
        DecimalFormat f = new DecimalFormat(Math.abs(q) >= 100 || q == Math.rint(q) ? "#,##0.##" : "#,##0.####",
                DecimalFormatSymbols.getInstance(Locale.ROOT));
        return f.format(q);
    }
}
