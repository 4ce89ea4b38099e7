package dev.serverlesskit.tools;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sections of a Markdown file between {@code <!-- generated: ... -->} and {@code <!-- end generated -->}, each
 * rewritten from what it names. The section pattern's groups: 1 the opening marker, 2 and 3 what the section names
 * (given to {@link #generate}), 4 the content, 5 the closing marker.
 */
public abstract class MarkedSections {
    private final Pattern section;

    protected MarkedSections(Pattern section) {
        this.section = section;
    }

    /** The content of the section named by {@code what} and {@code argument}. */
    public abstract String generate(String what, String argument);

    /** How a section is named in {@link #sections} and {@link #stale}. */
    protected String label(Matcher m) {
        return m.group(2) + " " + m.group(3);
    }

    /** {@code markdown} with every section's content generated anew. */
    public final String update(String markdown) {
        Matcher m = section.matcher(markdown);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(m.group(1) + generate(m.group(2), m.group(3))
                    + m.group(5)));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** Every section of {@code markdown}, by label. */
    public final List<String> sections(String markdown) {
        List<String> list = new ArrayList<>();
        Matcher m = section.matcher(markdown);
        while (m.find()) {
            list.add(label(m));
        }
        return list;
    }

    /** The sections whose content differs from what they generate now. */
    public final List<String> stale(String markdown) {
        List<String> stale = new ArrayList<>();
        Matcher m = section.matcher(markdown);
        while (m.find()) {
            if (!m.group(4).equals(generate(m.group(2), m.group(3)))) {
                stale.add(label(m));
            }
        }
        return stale;
    }
}
