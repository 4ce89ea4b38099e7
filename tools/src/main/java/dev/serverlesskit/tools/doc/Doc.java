package dev.serverlesskit.tools.doc;

import java.util.ArrayList;
import java.util.List;

/**
 * A small document model for the reports, rendered as GitHub Markdown (pull request comments, the README) or as
 * plain text for a terminal. Inline text may use {@code **bold**} and {@code `code`}; the text renderer drops the
 * marks. Mermaid blocks are shown in Markdown only.
 */
public final class Doc {
    /** A part of a document. */
    public sealed interface Block permits Heading, Paragraph, Table, Bullets, Code, Details {
    }

    public record Heading(int level, String text) implements Block {
    }

    public record Paragraph(String text) implements Block {
    }

    public record Table(List<String> header, List<List<String>> rows) implements Block {
    }

    public record Bullets(List<String> items) implements Block {
    }

    /** A code block; {@code language} "mermaid" is a diagram. */
    public record Code(String language, String text) implements Block {
    }

    /** A collapsible section in Markdown, a titled section in text. */
    public record Details(String summary, boolean open, List<Block> blocks) implements Block {
    }

    private final List<Block> blocks = new ArrayList<>();

    public Doc add(Block block) {
        blocks.add(block);
        return this;
    }

    public Doc heading(int level, String text) {
        return add(new Heading(level, text));
    }

    public Doc paragraph(String text) {
        return add(new Paragraph(text));
    }

    public Doc bullets(List<String> items) {
        return items.isEmpty() ? this : add(new Bullets(items));
    }

    public Doc table(List<String> header, List<List<String>> rows) {
        return add(new Table(header, rows));
    }

    public List<Block> blocks() {
        return blocks;
    }

    /** Markdown with paragraphs and list items wrapped at 120 columns. */
    public String markdown() {
        return markdown(120);
    }

    /** Markdown with paragraphs and list items wrapped at {@code width} columns; 0 does not wrap. */
    public String markdown(int width) {
        StringBuilder sb = new StringBuilder();
        markdown(blocks, sb, width);
        return sb.toString().stripTrailing() + "\n";
    }

    public String text() {
        StringBuilder sb = new StringBuilder();
        text(blocks, sb);
        return sb.toString().stripTrailing() + "\n";
    }

    private static void markdown(List<Block> blocks, StringBuilder sb, int width) {
        for (Block block : blocks) {
            if (block instanceof Heading h) {
                sb.append("#".repeat(h.level())).append(' ').append(h.text()).append("\n\n");
            } else if (block instanceof Paragraph p) {
                sb.append(wrap(p.text(), 0, width)).append("\n\n");
            } else if (block instanceof Table t) {
                sb.append("| ").append(String.join(" | ", escape(t.header()))).append(" |\n");
                sb.append("|").append("---|".repeat(t.header().size())).append('\n');
                for (List<String> row : t.rows()) {
                    sb.append("| ").append(String.join(" | ", escape(row))).append(" |\n");
                }
                sb.append('\n');
            } else if (block instanceof Bullets b) {
                for (String item : b.items()) {
                    List<String> lines = new ArrayList<>();
                    item.lines().forEach(l -> lines.add(wrap(l, 2, width)));
                    sb.append("- ").append(String.join("\n  ", lines)).append('\n');
                }
                sb.append('\n');
            } else if (block instanceof Code c) {
                sb.append("```").append(c.language()).append('\n').append(c.text().stripTrailing()).append("\n```\n\n");
            } else if (block instanceof Details d) {
                sb.append("<details").append(d.open() ? " open" : "").append("><summary>").append(d.summary())
                        .append("</summary>\n\n");
                markdown(d.blocks(), sb, width);
                sb.append("</details>\n\n");
            }
        }
    }

    /** Markdown text wrapped at 120 columns on spaces (a soft line break renders as a space). */
    static String wrap(String text, int indent, int columns) {
        if (columns <= 0) {
            return text;
        }
        int width = columns - indent - 2;
        StringBuilder sb = new StringBuilder();
        int line = 0;
        for (String word : text.split(" ", -1)) {
            if (line > 0 && line + 1 + word.length() > width) {
                sb.append('\n').append(" ".repeat(indent));
                line = 0;
            } else if (sb.length() > 0) {
                sb.append(' ');
                line++;
            }
            sb.append(word);
            line += word.length();
        }
        return sb.toString();
    }

    private static List<String> escape(List<String> cells) {
        return cells.stream().map(c -> c.replace("|", "\\|").replace("\n", "<br>")).toList();
    }

    private static void text(List<Block> blocks, StringBuilder sb) {
        for (Block block : blocks) {
            if (block instanceof Heading h) {
                String t = plain(h.text());
                sb.append(t).append('\n').append((h.level() <= 2 ? "=" : "-").repeat(t.length())).append("\n\n");
            } else if (block instanceof Paragraph p) {
                sb.append(plain(p.text())).append("\n\n");
            } else if (block instanceof Table t) {
                List<List<String>> all = new ArrayList<>();
                all.add(t.header().stream().map(Doc::plain).toList());
                t.rows().forEach(r -> all.add(r.stream().map(Doc::plain).toList()));
                int[] widths = new int[t.header().size()];
                for (List<String> row : all) {
                    for (int i = 0; i < row.size() && i < widths.length; i++) {
                        widths[i] = Math.max(widths[i], row.get(i).length());
                    }
                }
                for (int r = 0; r < all.size(); r++) {
                    StringBuilder line = new StringBuilder();
                    for (int i = 0; i < widths.length; i++) {
                        String cell = i < all.get(r).size() ? all.get(r).get(i) : "";
                        line.append(i == 0 ? "" : "  ").append(cell)
                                .append(" ".repeat(widths[i] - cell.length()));
                    }
                    sb.append(line.toString().stripTrailing()).append('\n');
                    if (r == 0) {
                        StringBuilder rule = new StringBuilder();
                        for (int i = 0; i < widths.length; i++) {
                            rule.append(i == 0 ? "" : "  ").append("-".repeat(widths[i]));
                        }
                        sb.append(rule).append('\n');
                    }
                }
                sb.append('\n');
            } else if (block instanceof Bullets b) {
                for (String item : b.items()) {
                    sb.append("- ").append(plain(item).replace("\n", "\n  ")).append('\n');
                }
                sb.append('\n');
            } else if (block instanceof Code c) {
                if (c.language().equals("mermaid")) {
                    sb.append("(a Mermaid diagram: see the Markdown report, --format markdown)\n\n");
                } else {
                    sb.append(c.text().stripTrailing()).append("\n\n");
                }
            } else if (block instanceof Details d) {
                String t = plain(d.summary());
                sb.append(t).append('\n').append("-".repeat(t.length())).append("\n\n");
                text(d.blocks(), sb);
            }
        }
    }

    static String plain(String text) {
        return text.replace("**", "").replace("`", "").replaceAll("<br/?>", " ").replace("&nbsp;", " ")
                .replaceAll("\\[([^\\]]+)]\\(#[^)]*\\)", "$1");
    }
}
