package org.visorfleet.server.shell;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The fleet shell's line editor for a terminal (an SSH channel with a PTY): it turns the keys the
 * terminal sends into an edited line and the bytes that redraw it. Keys: printable text, backspace,
 * Delete, left/right, Home/End (and Ctrl-A/E), up/down through the history, Ctrl-U/K (cut before or
 * after the cursor), Ctrl-W (cut the word before), Tab (completion), Enter, Ctrl-C, Ctrl-D. A long
 * line wraps at the terminal's width; the cursor is placed by rows and columns (one column per
 * character). Not thread-safe: one reader feeds it.
 */
final class LineEditor {

    /** What a key asks the shell to do beyond editing. */
    enum Action {
        NONE,
        ENTER,
        CANCEL,
        END,
        COMPLETE
    }

    private static final int HISTORY = 500;

    private final StringBuilder line = new StringBuilder();
    private final List<String> history = new ArrayList<>();
    private final ByteArrayOutputStream pendingUtf8 = new ByteArrayOutputStream();
    private int cursor;
    private int historyIndex;
    private String prompt = "";
    private int width;
    private int cursorRow; // the row of the cursor, counted from the prompt's row
    private int escape; // 0 none, 1 after ESC, 2 after ESC [ or ESC O
    private final StringBuilder escapeArgs = new StringBuilder();
    private String savedLine = "";

    LineEditor(int width) {
        this.width = Math.max(width, 10);
    }

    void width(int columns) {
        this.width = Math.max(columns, 10);
    }

    int width() {
        return width;
    }

    String line() {
        return line.toString();
    }

    int cursor() {
        return cursor;
    }

    /** Starts a new line after {@code prompt}; returns the bytes that show it. */
    String start(String newPrompt) {
        prompt = newPrompt;
        line.setLength(0);
        cursor = 0;
        cursorRow = 0;
        historyIndex = history.size();
        return newPrompt;
    }

    void remember(String entered) {
        if (!entered.isBlank() && (history.isEmpty() || !history.getLast().equals(entered))) {
            history.add(entered);
            if (history.size() > HISTORY) {
                history.removeFirst();
            }
        }
    }

    /** Replaces the text between {@code from} and the cursor with {@code text}; returns the redraw. */
    String replace(int from, String text) {
        line.replace(from, cursor, text);
        cursor = from + text.length();
        return redraw();
    }

    /** Feeds one byte; {@code echo} receives what the terminal must show. */
    Action feed(int b, StringBuilder echo) {
        if (escape > 0) {
            return escapeByte(b, echo);
        }
        if (b >= 0x80) {
            return utf8(b, echo);
        }
        switch (b) {
            case 0x1b -> escape = 1;
            case '\r', '\n' -> {
                echo.append(moveToEnd()).append("\r\n");
                return Action.ENTER;
            }
            case 0x03 -> {
                echo.append(moveToEnd()).append("^C\r\n");
                return Action.CANCEL;
            }
            case 0x04 -> {
                if (line.isEmpty()) {
                    return Action.END;
                }
                deleteAt(echo);
            }
            case '\t' -> {
                return Action.COMPLETE;
            }
            case 0x7f, 0x08 -> {
                if (cursor > 0) {
                    line.deleteCharAt(--cursor);
                    echo.append(redraw());
                }
            }
            case 0x01 -> moveTo(0, echo);
            case 0x05 -> moveTo(line.length(), echo);
            case 0x02 -> moveTo(cursor - 1, echo);
            case 0x06 -> moveTo(cursor + 1, echo);
            case 0x15 -> {
                line.delete(0, cursor);
                cursor = 0;
                echo.append(redraw());
            }
            case 0x0b -> {
                line.setLength(cursor);
                echo.append(redraw());
            }
            case 0x17 -> {
                int from = cursor;
                while (from > 0 && line.charAt(from - 1) == ' ') {
                    from--;
                }
                while (from > 0 && line.charAt(from - 1) != ' ') {
                    from--;
                }
                line.delete(from, cursor);
                cursor = from;
                echo.append(redraw());
            }
            case 0x0c -> echo.append("\033[H\033[2J").append(fullRedrawFromTop());
            case 0x10 -> history(-1, echo);
            case 0x0e -> history(1, echo);
            default -> {
                if (b >= 0x20) {
                    insert(String.valueOf((char) b), echo);
                }
            }
        }
        return Action.NONE;
    }

    private Action escapeByte(int b, StringBuilder echo) {
        if (escape == 1) {
            escape = b == '[' || b == 'O' ? 2 : 0;
            escapeArgs.setLength(0);
            return Action.NONE;
        }
        if (b >= '0' && b <= '9' || b == ';') {
            escapeArgs.append((char) b);
            return Action.NONE;
        }
        escape = 0;
        switch (b) {
            case 'A' -> history(-1, echo);
            case 'B' -> history(1, echo);
            case 'C' -> moveTo(cursor + 1, echo);
            case 'D' -> moveTo(cursor - 1, echo);
            case 'H' -> moveTo(0, echo);
            case 'F' -> moveTo(line.length(), echo);
            case '~' -> {
                switch (escapeArgs.toString()) {
                    case "1", "7" -> moveTo(0, echo);
                    case "4", "8" -> moveTo(line.length(), echo);
                    case "3" -> deleteAt(echo);
                    default -> {}
                }
            }
            default -> {}
        }
        return Action.NONE;
    }

    private Action utf8(int b, StringBuilder echo) {
        pendingUtf8.write(b);
        byte[] bytes = pendingUtf8.toByteArray();
        int lead = bytes[0] & 0xff;
        int expected = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
        if (bytes.length >= expected) {
            pendingUtf8.reset();
            String text = new String(bytes, StandardCharsets.UTF_8);
            if (!text.equals("\uFFFD")) {
                insert(text, echo);
            }
        }
        return Action.NONE;
    }

    private void insert(String text, StringBuilder echo) {
        line.insert(cursor, text);
        cursor += text.length();
        if (cursor == line.length() && (prompt.length() + cursor) % width != 0) {
            echo.append(text); // typing at the end: no redraw needed
        } else {
            echo.append(redraw());
        }
    }

    private void deleteAt(StringBuilder echo) {
        if (cursor < line.length()) {
            line.deleteCharAt(cursor);
            echo.append(redraw());
        }
    }

    private void moveTo(int position, StringBuilder echo) {
        int target = Math.clamp(position, 0, line.length());
        if (target != cursor) {
            cursor = target;
            echo.append(redraw());
        }
    }

    private void history(int step, StringBuilder echo) {
        int target = historyIndex + step;
        if (target < 0 || target > history.size()) {
            return;
        }
        if (historyIndex == history.size()) {
            savedLine = line.toString();
        }
        historyIndex = target;
        line.setLength(0);
        line.append(target == history.size() ? savedLine : history.get(target));
        cursor = line.length();
        echo.append(redraw());
    }

    /** Redraws the prompt and line in place and puts the cursor where it belongs. */
    String redraw() {
        StringBuilder out = new StringBuilder();
        if (cursorRow > 0) {
            out.append("\033[").append(cursorRow).append('A');
        }
        out.append('\r').append(prompt).append(line).append("\033[J");
        int end = prompt.length() + line.length();
        int endRow = end / width;
        if (end > 0 && end % width == 0) {
            out.append("\r\n"); // the terminal waits to wrap until the next character; wrap now
        }
        int at = prompt.length() + cursor;
        int row = at / width;
        if (endRow > row) {
            out.append("\033[").append(endRow - row).append('A');
        }
        out.append('\r');
        if (at % width > 0) {
            out.append("\033[").append(at % width).append('C');
        }
        cursorRow = row;
        return out.toString();
    }

    private String fullRedrawFromTop() {
        cursorRow = 0;
        return redraw();
    }

    /** Moves below the line (to print there); {@link #reprint} shows the prompt and line again after. */
    String leave() {
        return moveToEnd() + "\r\n";
    }

    String reprint() {
        cursorRow = 0;
        return redraw();
    }

    /** Moves the cursor past the end of the line (before printing below it). */
    private String moveToEnd() {
        int end = prompt.length() + line.length();
        int down = end / width - cursorRow;
        cursorRow = end / width;
        StringBuilder out = new StringBuilder();
        if (down > 0) {
            out.append("\033[").append(down).append('B');
        }
        out.append('\r');
        if (end % width > 0) {
            out.append("\033[").append(end % width).append('C');
        }
        return out.toString();
    }
}
