package dev.serverlesskit.app.common;

import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * Numbers from clients, checked before anything else uses them: a DynamoDB number has at most 38 significant digits
 * and a magnitude of 0 or 1E-130 to 9.9999999999999999999999999999999999999E+125 (negative numbers likewise). A
 * number outside that fails DynamoDB's validation (a 5xx if it got that far), and one with a huge exponent
 * ({@code 1e-999999999}) costs time and memory to print in plain form. Text is parsed only in a sane form: plain
 * decimal digits, at most {@value #MAX_TEXT_LENGTH} characters, an exponent of at most four digits.
 */
public final class DynamoNumbers {
    static final int MAX_TEXT_LENGTH = 64;
    static final int MAX_PRECISION = 38;
    static final BigDecimal MIN_MAGNITUDE = new BigDecimal("1E-130");
    static final BigDecimal MAX_MAGNITUDE = new BigDecimal("9.9999999999999999999999999999999999999E+125");
    private static final Pattern SANE = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d{1,4})?");
    private static final String RULE = "a number DynamoDB can store (at most " + MAX_PRECISION
            + " significant digits, 0 or a magnitude from 1E-130 to 9.99E+125)";

    private DynamoNumbers() {
    }

    /**
     * Parses a number a client sent as text.
     *
     * @param what what to name in the error, e.g. {@code query parameter 'maxPrice'}
     * @throws ApiException 400 VALIDATION_FAILED naming {@code what}
     */
    public static BigDecimal parse(String what, String text) {
        if (text == null || text.length() > MAX_TEXT_LENGTH || !SANE.matcher(text).matches()) {
            throw ApiException.validation(what + " must be " + RULE);
        }
        return check(what, new BigDecimal(text));
    }

    /**
     * Checks a number a client sent (already parsed, e.g. from a JSON body).
     *
     * @throws ApiException 400 VALIDATION_FAILED naming {@code what}
     */
    public static BigDecimal check(String what, BigDecimal value) {
        if (!storable(value)) {
            throw ApiException.validation(what + " must be " + RULE);
        }
        return value;
    }

    /** Whether DynamoDB can store {@code value}; cheap whatever its scale (no plain-form printing). */
    static boolean storable(BigDecimal value) {
        if (value.signum() == 0) {
            return true;
        }
        BigDecimal magnitude = value.abs();
        return magnitude.compareTo(MIN_MAGNITUDE) >= 0 && magnitude.compareTo(MAX_MAGNITUDE) <= 0
                && value.stripTrailingZeros().precision() <= MAX_PRECISION;
    }

    /** Whether {@code text} is a number DynamoDB can store, in a sane form (see {@link #parse}). */
    static boolean storable(String text) {
        return text != null && text.length() <= MAX_TEXT_LENGTH && SANE.matcher(text).matches()
                && storable(new BigDecimal(text));
    }
}
