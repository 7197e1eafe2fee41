package org.visorfleet.console.terminal;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Turns the bytes a remote program writes into changes of a {@link TerminalScreen}: UTF-8 text
 * (also when a character is split across reads), C0 controls, and the escape sequences of the
 * VT100/xterm subset programs like bash, less, vim and top use (CSI cursor movement, erasing,
 * insert/delete, SGR colours, scroll regions, DEC private modes, OSC titles). Anything else is
 * consumed and ignored, so no input can break it. Answers a program asks for (cursor position,
 * device attributes) go to {@code replies}.
 */
public final class TerminalParser {

    private enum State {
        GROUND,
        ESCAPE,
        ESCAPE_INTERMEDIATE,
        CHARSET,
        CSI,
        OSC,
        OSC_ESCAPE,
        IGNORED_STRING
    }

    private static final int MAX_PARAMS = 32;
    private static final int MAX_PARAM_VALUE = 65_535;
    private static final int MAX_OSC_LENGTH = 4096;
    private static final int REPLACEMENT = 0xFFFD;

    /** DEC special graphics (line drawing) for 0x60..0x7e, as ESC ( 0 selects it. */
    private static final String LINE_DRAWING =
            "\u25c6\u2592\u2409\u240c\u240d\u240a\u00b0\u00b1\u2424\u240b\u2518\u2510\u250c\u2514\u253c\u23ba"
                    + "\u23bb\u2500\u23bc\u23bd\u251c\u2524\u2534\u252c\u2502\u2264\u2265\u03c0\u2260\u00a3\u00b7";

    private final TerminalScreen screen;
    private final Consumer<byte[]> replies;
    private final Runnable bell;

    private State state = State.GROUND;

    // UTF-8 decoding across reads
    private int utf8Value;
    private int utf8Needed;
    private int utf8Minimum;

    // CSI
    private final int[] params = new int[MAX_PARAMS];
    /** How many parameters the finished sequence has (while collecting: the one being read). */
    private int paramCount;

    private boolean anyParam;
    private int privateMarker;
    private int intermediate;

    // OSC
    private final StringBuilder osc = new StringBuilder();

    private boolean lineDrawing;
    private int charsetSlot;
    private int lastPrinted = ' ';

    /**
     * @param replies receives answers to the program's queries, to be sent back to it
     * @param bell runs on BEL
     */
    public TerminalParser(TerminalScreen screen, Consumer<byte[]> replies, Runnable bell) {
        this.screen = screen;
        this.replies = replies;
        this.bell = bell;
    }

    /** Feeds {@code length} bytes from {@code offset}; a partial UTF-8 character waits for the next call. */
    public void feed(byte[] data, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            decode(data[i] & 0xff);
        }
    }

    /** Feeds all of {@code data}. */
    public void feed(byte[] data) {
        feed(data, 0, data.length);
    }

    private void decode(int b) {
        if (utf8Needed > 0) {
            if ((b & 0xc0) == 0x80) {
                utf8Value = utf8Value << 6 | (b & 0x3f);
                if (--utf8Needed == 0) {
                    int cp = utf8Value;
                    boolean valid = cp >= utf8Minimum && cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff);
                    process(valid ? cp : REPLACEMENT);
                }
                return;
            }
            // a sequence cut short: replace it and read this byte afresh
            utf8Needed = 0;
            process(REPLACEMENT);
        }
        if (b < 0x80) {
            process(b);
        } else if (b >= 0xc2 && b <= 0xdf) {
            start(b & 0x1f, 1, 0x80);
        } else if (b >= 0xe0 && b <= 0xef) {
            start(b & 0x0f, 2, 0x800);
        } else if (b >= 0xf0 && b <= 0xf4) {
            start(b & 0x07, 3, 0x10000);
        } else {
            process(REPLACEMENT);
        }
    }

    private void start(int value, int needed, int minimum) {
        utf8Value = value;
        utf8Needed = needed;
        utf8Minimum = minimum;
    }

    private void process(int cp) {
        // CAN and SUB abort any sequence; ESC starts a new one, even inside another
        if (cp == 0x18 || cp == 0x1a) {
            state = State.GROUND;
            return;
        }
        switch (state) {
            case GROUND -> ground(cp);
            case ESCAPE -> escape(cp);
            case ESCAPE_INTERMEDIATE -> escapeIntermediate(cp);
            case CHARSET -> charset(cp);
            case CSI -> csi(cp);
            case OSC -> osc(cp);
            case OSC_ESCAPE -> oscEscape(cp);
            case IGNORED_STRING -> ignoredString(cp);
        }
    }

    private void ground(int cp) {
        if (cp < 0x20) {
            control(cp);
        } else if (cp == 0x7f) {
            // DEL: nothing
        } else {
            int shown = lineDrawing && cp >= 0x60 && cp <= 0x7e ? LINE_DRAWING.charAt(cp - 0x60) : cp;
            lastPrinted = shown;
            screen.print(shown);
        }
    }

    /** C0 controls; executed in the middle of sequences too, as a VT100 does. */
    private void control(int cp) {
        switch (cp) {
            case 0x07 -> bell.run();
            case 0x08 -> screen.backspace();
            case 0x09 -> screen.tab();
            case 0x0a, 0x0b, 0x0c -> screen.lineFeed();
            case 0x0d -> screen.carriageReturn();
            case 0x0e, 0x0f -> {
                // shift out/in: only G0 is used
            }
            case 0x1b -> enterEscape();
            default -> {
                // other C0 controls: nothing
            }
        }
    }

    private void enterEscape() {
        state = State.ESCAPE;
        intermediate = 0;
    }

    private void escape(int cp) {
        if (cp < 0x20) {
            control(cp);
            return;
        }
        state = State.GROUND;
        switch (cp) {
            case '[' -> {
                paramCount = 0;
                anyParam = false;
                privateMarker = 0;
                intermediate = 0;
                params[0] = 0;
                state = State.CSI;
            }
            case ']' -> {
                osc.setLength(0);
                state = State.OSC;
            }
            case 'P', 'X', '^', '_' -> state = State.IGNORED_STRING;
            case '(', ')', '*', '+' -> {
                charsetSlot = cp;
                state = State.CHARSET;
            }
            case '7' -> screen.saveCursor();
            case '8' -> screen.restoreCursor();
            case 'D' -> screen.lineFeed();
            case 'E' -> {
                screen.carriageReturn();
                screen.lineFeed();
            }
            case 'M' -> screen.reverseIndex();
            case 'c' -> {
                screen.reset();
                lineDrawing = false;
            }
            default -> {
                if (cp >= 0x20 && cp <= 0x2f) {
                    state = State.ESCAPE_INTERMEDIATE;
                }
                // '=', '>', '\\' (string terminator) and the rest: nothing
            }
        }
    }

    private void escapeIntermediate(int cp) {
        if (cp < 0x20) {
            control(cp);
        } else if (cp >= 0x30) {
            state = State.GROUND;
        }
    }

    private void charset(int cp) {
        if (cp < 0x20) {
            control(cp);
            return;
        }
        if (charsetSlot == '(') {
            lineDrawing = cp == '0';
        }
        state = State.GROUND;
    }

    private void csi(int cp) {
        if (cp < 0x20) {
            control(cp);
        } else if (cp >= '0' && cp <= '9') {
            anyParam = true;
            if (paramCount < MAX_PARAMS) {
                params[paramCount] = Math.min(MAX_PARAM_VALUE, params[paramCount] * 10 + (cp - '0'));
            }
        } else if (cp == ';' || cp == ':') {
            anyParam = true;
            if (paramCount < MAX_PARAMS) {
                paramCount++;
                if (paramCount < MAX_PARAMS) {
                    params[paramCount] = 0;
                }
            }
        } else if (cp >= 0x3c && cp <= 0x3f) {
            privateMarker = cp;
        } else if (cp >= 0x20 && cp <= 0x2f) {
            intermediate = cp;
        } else if (cp >= 0x40 && cp <= 0x7e) {
            paramCount = anyParam ? Math.min(paramCount + 1, MAX_PARAMS) : 0;
            state = State.GROUND;
            dispatch(cp);
        } else {
            state = State.GROUND; // not a CSI character: drop the sequence
        }
    }

    private int param(int index, int fallback) {
        return index < paramCount && params[index] != 0 ? params[index] : fallback;
    }

    private void dispatch(int command) {
        if (intermediate != 0) {
            if (intermediate == '!' && command == 'p') {
                softReset();
            }
            return; // cursor shapes and the like: nothing
        }
        if (privateMarker == '?') {
            if (command == 'h' || command == 'l') {
                for (int i = 0; i < Math.max(1, paramCount); i++) {
                    privateMode(params[i], command == 'h');
                }
            }
            return;
        }
        if (privateMarker != 0) {
            return; // secondary device attributes and other private queries: not answered
        }
        switch (command) {
            case '@' -> screen.insertCharacters(param(0, 1));
            case 'A' -> screen.cursorUp(param(0, 1));
            case 'B', 'e' -> screen.cursorDown(param(0, 1));
            case 'C', 'a' -> screen.cursorForward(param(0, 1));
            case 'D' -> screen.cursorBackward(param(0, 1));
            case 'E' -> {
                screen.cursorDown(param(0, 1));
                screen.carriageReturn();
            }
            case 'F' -> {
                screen.cursorUp(param(0, 1));
                screen.carriageReturn();
            }
            case 'G', '`' -> screen.setColumn(param(0, 1) - 1);
            case 'H', 'f' -> screen.moveTo(param(0, 1) - 1, param(1, 1) - 1);
            case 'I' -> {
                for (int i = 0; i < Math.min(param(0, 1), screen.columns()); i++) {
                    screen.tab();
                }
            }
            case 'Z' -> screen.backTab(param(0, 1));
            case 'J' -> screen.eraseInDisplay(param(0, 0));
            case 'K' -> screen.eraseInLine(param(0, 0));
            case 'L' -> screen.insertLines(param(0, 1));
            case 'M' -> screen.deleteLines(param(0, 1));
            case 'P' -> screen.deleteCharacters(param(0, 1));
            case 'S' -> screen.scrollUp(param(0, 1));
            case 'T' -> screen.scrollDown(param(0, 1));
            case 'X' -> screen.eraseCharacters(param(0, 1));
            case 'b' -> {
                int times = Math.min(param(0, 1), screen.columns() * screen.rows());
                for (int i = 0; i < times; i++) {
                    screen.print(lastPrinted);
                }
            }
            case 'd' -> screen.setRow(param(0, 1) - 1);
            case 'm' -> selectGraphicRendition();
            case 'r' -> screen.setScrollRegion(param(0, 1) - 1, param(1, screen.rows()) - 1);
            case 's' -> screen.saveCursor();
            case 'u' -> screen.restoreCursor();
            case 'h', 'l' -> {
                for (int i = 0; i < paramCount; i++) {
                    if (params[i] == 4) {
                        screen.setInsertMode(command == 'h');
                    }
                }
            }
            case 'n' -> deviceStatus(param(0, 0));
            case 'c' -> {
                if (param(0, 0) == 0) {
                    reply("\u001b[?1;2c");
                }
            }
            default -> {
                // window manipulation and the rest: nothing
            }
        }
    }

    private void softReset() {
        screen.setStyle(CellStyle.PLAIN);
        screen.setCursorVisible(true);
        screen.setInsertMode(false);
        screen.setAutoWrap(true);
        screen.setApplicationCursorKeys(false);
        screen.setScrollRegion(0, screen.rows() - 1);
        screen.setOriginMode(false);
    }

    private void privateMode(int mode, boolean on) {
        switch (mode) {
            case 1 -> screen.setApplicationCursorKeys(on);
            case 6 -> screen.setOriginMode(on);
            case 7 -> screen.setAutoWrap(on);
            case 25 -> screen.setCursorVisible(on);
            case 47, 1047 -> screen.useAlternateScreen(on, false);
            case 1049 -> screen.useAlternateScreen(on, true);
            case 2004 -> screen.setBracketedPaste(on);
            default -> {
                // mouse reporting, blinking cursor and the rest: nothing
            }
        }
    }

    private void deviceStatus(int query) {
        if (query == 5) {
            reply("\u001b[0n");
        } else if (query == 6) {
            reply("\u001b[" + (screen.cursorRow() + 1) + ";" + (screen.cursorColumn() + 1) + "R");
        }
    }

    private void reply(String text) {
        replies.accept(text.getBytes(StandardCharsets.US_ASCII));
    }

    private void selectGraphicRendition() {
        CellStyle style = screen.currentStyle();
        int count = Math.max(1, paramCount);
        for (int i = 0; i < count; i++) {
            int p = params[i];
            switch (p) {
                case 0 -> style = CellStyle.PLAIN;
                case 1 -> style = style.with(CellStyle.BOLD);
                case 2 -> style = style.with(CellStyle.DIM);
                case 3 -> style = style.with(CellStyle.ITALIC);
                case 4 -> style = style.with(CellStyle.UNDERLINE);
                case 7 -> style = style.with(CellStyle.INVERSE);
                case 22 -> style = style.without(CellStyle.BOLD | CellStyle.DIM);
                case 23 -> style = style.without(CellStyle.ITALIC);
                case 24 -> style = style.without(CellStyle.UNDERLINE);
                case 27 -> style = style.without(CellStyle.INVERSE);
                case 39 -> style = style.withForeground(CellStyle.DEFAULT);
                case 49 -> style = style.withBackground(CellStyle.DEFAULT);
                case 38, 48 -> {
                    int[] colour = extendedColour(i + 1, count);
                    if (colour[0] != Integer.MIN_VALUE) {
                        style = p == 38 ? style.withForeground(colour[0]) : style.withBackground(colour[0]);
                    }
                    i = colour[1];
                }
                default -> {
                    if (p >= 30 && p <= 37) {
                        style = style.withForeground(p - 30);
                    } else if (p >= 40 && p <= 47) {
                        style = style.withBackground(p - 40);
                    } else if (p >= 90 && p <= 97) {
                        style = style.withForeground(p - 90 + 8);
                    } else if (p >= 100 && p <= 107) {
                        style = style.withBackground(p - 100 + 8);
                    }
                    // blink, hidden, fonts and the rest: nothing
                }
            }
        }
        screen.setStyle(style);
    }

    /**
     * {@code 5;N} or {@code 2;R;G;B} from parameter {@code from}: the colour (MIN_VALUE if malformed)
     * and the index of the last parameter used.
     */
    private int[] extendedColour(int from, int count) {
        if (from < count && params[from] == 5 && from + 1 < count) {
            int index = params[from + 1];
            return new int[] {index <= 255 ? index : Integer.MIN_VALUE, from + 1};
        }
        if (from < count && params[from] == 2 && from + 3 < count) {
            return new int[] {CellStyle.rgb(params[from + 1], params[from + 2], params[from + 3]), from + 3};
        }
        return new int[] {Integer.MIN_VALUE, count - 1};
    }

    private void osc(int cp) {
        if (cp == 0x07) {
            finishOsc();
        } else if (cp == 0x1b) {
            state = State.OSC_ESCAPE;
        } else if (cp >= 0x20 && osc.length() < MAX_OSC_LENGTH) {
            osc.appendCodePoint(cp);
        }
    }

    private void oscEscape(int cp) {
        finishOsc();
        if (cp != '\\') {
            enterEscape();
            escape(cp);
        }
    }

    private void finishOsc() {
        state = State.GROUND;
        String text = osc.toString();
        int semicolon = text.indexOf(';');
        if (semicolon > 0) {
            String command = text.substring(0, semicolon);
            if (command.equals("0") || command.equals("2")) {
                screen.setTitle(text.substring(semicolon + 1));
            }
        }
        osc.setLength(0);
    }

    private void ignoredString(int cp) {
        if (cp == 0x1b) {
            enterEscape(); // ESC \ ends it; ESC and anything else starts a new sequence
        }
    }
}
