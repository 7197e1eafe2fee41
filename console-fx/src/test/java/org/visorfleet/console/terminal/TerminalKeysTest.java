package org.visorfleet.console.terminal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.Test;

/** The bytes keys send, as an xterm sends them. */
class TerminalKeysTest {

    static String pressed(KeyCode code, boolean shift, boolean ctrl, boolean alt, boolean application) {
        byte[] bytes = TerminalKeys.pressed(code, shift, ctrl, alt, application);
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    static String plain(KeyCode code) {
        return pressed(code, false, false, false, false);
    }

    @Test
    void editingKeys() {
        assertEquals("\r", plain(KeyCode.ENTER));
        assertEquals("\u007f", plain(KeyCode.BACK_SPACE));
        assertEquals("\t", plain(KeyCode.TAB));
        assertEquals("\u001b[Z", pressed(KeyCode.TAB, true, false, false, false));
        assertNull(pressed(KeyCode.TAB, false, true, false, false), "Ctrl+Tab moves the focus out");
        assertEquals("\u001b", plain(KeyCode.ESCAPE));
        assertEquals("\u001b[3~", plain(KeyCode.DELETE));
        assertEquals("\u001b[2~", plain(KeyCode.INSERT));
    }

    @Test
    void cursorKeysFollowApplicationMode() {
        assertEquals("\u001b[A", plain(KeyCode.UP));
        assertEquals("\u001bOA", pressed(KeyCode.UP, false, false, false, true));
        assertEquals("\u001b[D", plain(KeyCode.LEFT));
        assertEquals("\u001b[1;5C", pressed(KeyCode.RIGHT, false, true, false, true), "Ctrl+Right");
        assertEquals("\u001b[H", plain(KeyCode.HOME));
        assertEquals("\u001bOF", pressed(KeyCode.END, false, false, false, true));
        assertEquals("\u001b[5~", plain(KeyCode.PAGE_UP));
        assertEquals("\u001b[6;2~", pressed(KeyCode.PAGE_DOWN, true, false, false, false));
    }

    @Test
    void functionKeys() {
        assertEquals("\u001bOP", plain(KeyCode.F1));
        assertEquals("\u001bOS", plain(KeyCode.F4));
        assertEquals("\u001b[15~", plain(KeyCode.F5));
        assertEquals("\u001b[21~", plain(KeyCode.F10));
        assertEquals("\u001b[24~", plain(KeyCode.F12));
        assertEquals("\u001b[1;2P", pressed(KeyCode.F1, true, false, false, false));
    }

    @Test
    void controlKeys() {
        assertEquals("\u0003", pressed(KeyCode.C, false, true, false, false));
        assertEquals("\u0004", pressed(KeyCode.D, false, true, false, false));
        assertEquals("\u001a", pressed(KeyCode.Z, false, true, false, false));
        assertEquals("\u0000", pressed(KeyCode.SPACE, false, true, false, false));
        assertEquals("\u001b\u0018", pressed(KeyCode.X, false, true, true, false), "Ctrl+Alt+X");
        assertNull(plain(KeyCode.A), "letters arrive as typed text");
    }

    @Test
    void typedText() {
        assertEquals("é", new String(TerminalKeys.typed("é", false, false, false), StandardCharsets.UTF_8));
        assertEquals("\u001bb", new String(TerminalKeys.typed("b", false, true, false), StandardCharsets.UTF_8));
        assertNull(TerminalKeys.typed("\r", false, false, false), "sent by the pressed key");
        assertNull(TerminalKeys.typed("c", true, false, false), "Ctrl+C is sent by the pressed key");
        assertNull(TerminalKeys.typed("", false, false, false));
    }
}
