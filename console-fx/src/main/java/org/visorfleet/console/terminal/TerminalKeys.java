package org.visorfleet.console.terminal;

import java.nio.charset.StandardCharsets;
import javafx.scene.input.KeyCode;

/**
 * What an xterm sends for a key: control characters for Enter, Backspace, Tab, Escape and
 * Ctrl-letters, and escape sequences for arrows, Home/End, Insert/Delete, PgUp/PgDn and F1..F12
 * (with xterm's modifier parameter for Shift, Alt and Ctrl). Printable text is not here: it comes
 * from typed characters ({@link #typed}).
 */
public final class TerminalKeys {

    private TerminalKeys() {}

    /**
     * The bytes for a pressed key, or null if the key is not a special key (its text arrives as a
     * typed character) or is left to the window (Ctrl+Tab moves the focus on).
     *
     * @param applicationCursor DECCKM is on: unmodified arrows and Home/End send {@code ESC O x}
     */
    public static byte[] pressed(KeyCode code, boolean shift, boolean ctrl, boolean alt, boolean applicationCursor) {
        int modifier = 1 + (shift ? 1 : 0) + (alt ? 2 : 0) + (ctrl ? 4 : 0);
        String sequence =
                switch (code) {
                    case ENTER -> "\r";
                    case BACK_SPACE -> ctrl ? "\b" : "\u007f";
                    case TAB -> ctrl ? null : shift ? "\u001b[Z" : "\t"; // Ctrl+Tab leaves the terminal
                    case ESCAPE -> "\u001b";
                    case UP -> cursor('A', modifier, applicationCursor);
                    case DOWN -> cursor('B', modifier, applicationCursor);
                    case RIGHT -> cursor('C', modifier, applicationCursor);
                    case LEFT -> cursor('D', modifier, applicationCursor);
                    case HOME -> cursor('H', modifier, applicationCursor);
                    case END -> cursor('F', modifier, applicationCursor);
                    case INSERT -> tilde(2, modifier);
                    case DELETE -> tilde(3, modifier);
                    case PAGE_UP -> tilde(5, modifier);
                    case PAGE_DOWN -> tilde(6, modifier);
                    case F1 -> function('P', modifier);
                    case F2 -> function('Q', modifier);
                    case F3 -> function('R', modifier);
                    case F4 -> function('S', modifier);
                    case F5 -> tilde(15, modifier);
                    case F6 -> tilde(17, modifier);
                    case F7 -> tilde(18, modifier);
                    case F8 -> tilde(19, modifier);
                    case F9 -> tilde(20, modifier);
                    case F10 -> tilde(21, modifier);
                    case F11 -> tilde(23, modifier);
                    case F12 -> tilde(24, modifier);
                    default -> ctrl ? control(code) : null;
                };
        if (sequence == null) {
            return null;
        }
        if (alt && sequence.length() == 1) {
            sequence = "\u001b" + sequence;
        }
        return sequence.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The bytes for a typed character, or null where {@link #pressed} already sent the key (control
     * characters) or a shortcut modifier is held. Alt sends ESC first, as xterm's metaSendsEscape.
     */
    public static byte[] typed(String character, boolean ctrl, boolean alt, boolean meta) {
        if (character == null || character.isEmpty() || ctrl || meta) {
            return null;
        }
        int first = character.codePointAt(0);
        if (first < 0x20 || first == 0x7f) {
            return null;
        }
        return ((alt ? "\u001b" : "") + character).getBytes(StandardCharsets.UTF_8);
    }

    /** Ctrl with a letter or one of @ [ \ ] ^ _ and space: the C0 control character. */
    private static String control(KeyCode code) {
        if (code.isLetterKey()) {
            return String.valueOf((char) (code.getName().charAt(0) - 'A' + 1));
        }
        return switch (code) {
            case SPACE, DIGIT2, AT -> "\u0000";
            case OPEN_BRACKET, DIGIT3 -> "\u001b";
            case BACK_SLASH, DIGIT4 -> "\u001c";
            case CLOSE_BRACKET, DIGIT5 -> "\u001d";
            case DIGIT6 -> "\u001e";
            case MINUS, DIGIT7, SLASH -> "\u001f";
            default -> null;
        };
    }

    private static String cursor(char letter, int modifier, boolean application) {
        if (modifier > 1) {
            return "\u001b[1;" + modifier + letter;
        }
        return (application ? "\u001bO" : "\u001b[") + letter;
    }

    private static String tilde(int number, int modifier) {
        return "\u001b[" + number + (modifier > 1 ? ";" + modifier : "") + "~";
    }

    private static String function(char letter, int modifier) {
        return modifier > 1 ? "\u001b[1;" + modifier + letter : "\u001bO" + letter;
    }
}
