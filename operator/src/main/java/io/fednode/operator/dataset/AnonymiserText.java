package io.fednode.operator.dataset;

import java.util.ArrayList;
import java.util.List;

/**
 * Makes the anonymiser's free text (the log tail the kubelet turns into the termination message
 * when a run fails) fit for a Dataset's conditions and events: file paths removed, control
 * characters gone, length bounded. Raw file and folder names can hold patient names, birth dates or
 * record numbers, so no part of a path is kept except the anonymiser's own mount point ({@code
 * /data/raw}, {@code /data/output}, ...), which tells a person which volume the error is about.
 *
 * <p>A path starts at a word holding a {@code /} or {@code \}. Since a file name may hold spaces, a
 * path ends only where the text clearly goes on: at the quote that opened it, at {@code ": "} (the
 * separator of Java's I/O exceptions) or {@code " -> "}, else at the end of the line. Pure, so it
 * is unit-tested; the anonymiser itself also avoids printing paths (defence in depth).
 */
public final class AnonymiserText {
    /** Longest input read; the kubelet's termination message is at most 4096 bytes anyway. */
    static final int MAX_INPUT = 16 * 1024;

    /** The line the JVM prints first when the Job sets JAVA_TOOL_OPTIONS. */
    static final String JVM_OPTIONS_NOTICE = "Picked up JAVA_TOOL_OPTIONS:";

    /** What stands for a path outside the anonymiser's mount points. */
    static final String PATH = "<path>";

    private static final List<String> MOUNTS =
            List.of(
                    AnonymisationJob.RAW_MOUNT,
                    AnonymisationJob.OUTPUT_MOUNT,
                    AnonymisationJob.QUARANTINE_MOUNT,
                    AnonymisationJob.KEY_MOUNT,
                    AnonymisationJob.TMP_MOUNT);

    /** Leading characters of a word that are not part of a path in it. */
    private static final String OPENERS = "'\"([{<";

    /** Characters after a bare mount point that end it ({@code /data/raw:}, {@code '/tmp'}). */
    private static final String MOUNT_ENDS = ":'\"),;]}>";

    private AnonymiserText() {}

    /**
     * {@code text} without paths or control characters, its lines joined by {@code " | "}, at most
     * {@code max} characters (cut with "…"); empty for null or blank text.
     */
    public static String safe(String text, int max) {
        if (text == null || text.isBlank()) {
            return "";
        }
        String input = text.length() > MAX_INPUT ? text.substring(0, MAX_INPUT) : text;
        List<String> lines = new ArrayList<>();
        for (String line : input.split("\r\n|\r|\n")) {
            if (line.startsWith(JVM_OPTIONS_NOTICE)) {
                continue; // the JVM echoing the Job's own settings: nothing about the failure
            }
            String clean = withoutPaths(printable(line)).strip().replaceAll(" {2,}", " ");
            if (!clean.isEmpty()) {
                lines.add(clean);
            }
        }
        return bounded(String.join(" | ", lines), max);
    }

    /** {@code text} with control characters as spaces, at most {@code max} characters. */
    public static String bounded(String text, int max) {
        if (text == null) {
            return "";
        }
        String clean = printable(text.length() > MAX_INPUT ? text.substring(0, MAX_INPUT) : text);
        return clean.length() <= max ? clean : clean.substring(0, max - 1) + "…";
    }

    private static String printable(String s) {
        StringBuilder out = new StringBuilder(s.length());
        s.codePoints()
                .forEach(
                        c -> {
                            int type = Character.getType(c);
                            boolean hidden =
                                    Character.isISOControl(c)
                                            || type == Character.FORMAT
                                            || type == Character.LINE_SEPARATOR
                                            || type == Character.PARAGRAPH_SEPARATOR
                                            || type == Character.UNASSIGNED
                                            || type == Character.SURROGATE
                                            || type == Character.PRIVATE_USE;
                            if (hidden) {
                                out.append(' ');
                            } else {
                                out.appendCodePoint(c);
                            }
                        });
        return out.toString();
    }

    /** One line with each path replaced by its mount point or {@link #PATH}. */
    static String withoutPaths(String line) {
        StringBuilder out = new StringBuilder(line.length());
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (Character.isWhitespace(c)) {
                out.append(c);
                i++;
                continue;
            }
            // A word: its leading brackets and quotes stay, then a path if it holds a separator.
            char quote = 0;
            while (i < line.length() && OPENERS.indexOf(line.charAt(i)) >= 0) {
                char opener = line.charAt(i);
                quote = opener == '\'' || opener == '"' ? opener : quote;
                out.append(opener);
                i++;
            }
            int wordEnd = i;
            while (wordEnd < line.length() && !Character.isWhitespace(line.charAt(wordEnd))) {
                wordEnd++;
            }
            String word = line.substring(i, wordEnd);
            if (word.indexOf('/') < 0 && word.indexOf('\\') < 0) {
                out.append(word);
                i = wordEnd;
                continue;
            }
            String mount = bareMount(line, i);
            if (mount != null) {
                out.append(mount);
                i += mount.length();
                continue;
            }
            int end = pathEnd(line, i, quote);
            out.append(standIn(line.substring(i, end)));
            i = end;
        }
        return out.toString();
    }

    /** The mount point that starts at {@code from} and is not followed by a name under it. */
    private static String bareMount(String line, int from) {
        for (String mount : MOUNTS) {
            int after = from + mount.length();
            if (line.startsWith(mount, from)
                    && (after == line.length()
                            || Character.isWhitespace(line.charAt(after))
                            || MOUNT_ENDS.indexOf(line.charAt(after)) >= 0)) {
                return mount;
            }
        }
        return null;
    }

    private static int pathEnd(String line, int from, char quote) {
        if (quote != 0) {
            int close = line.indexOf(quote, from);
            return close < 0 ? line.length() : close;
        }
        int end = line.length();
        for (String separator : List.of(": ", " -> ")) {
            int at = line.indexOf(separator, from);
            if (at >= 0 && at < end) {
                end = at;
            }
        }
        if (end == line.length() && line.endsWith(":")) {
            end--;
        }
        return Math.max(end, from + 1);
    }

    private static String standIn(String path) {
        for (String mount : MOUNTS) {
            if (path.equals(mount)) {
                return mount;
            }
            if (path.startsWith(mount + "/")) {
                return mount + "/…";
            }
        }
        return PATH;
    }
}
