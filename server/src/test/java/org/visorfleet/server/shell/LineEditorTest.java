package org.visorfleet.server.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The line editor fed key by key, as a terminal sends them. */
class LineEditorTest {

    final LineEditor editor = new LineEditor(80);

    LineEditor.Action type(String keys) {
        LineEditor.Action last = LineEditor.Action.NONE;
        for (byte b : keys.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            last = editor.feed(b & 0xff, new StringBuilder());
        }
        return last;
    }

    @Test
    void editsInTheMiddleOfTheLine() {
        editor.start("fleet> ");
        type("clents()");
        type("\033[D\033[D\033[D\033[D\033[D\033[D"); // six times left: after "cl"
        type("i");
        assertEquals("clients()", editor.line());
        type("\001\033[3~"); // Home, Delete
        assertEquals("lients()", editor.line());
        type("\005\177\177"); // End, two backspaces
        assertEquals("lients", editor.line());
        type(" x.y foo\027"); // Ctrl-W cuts the word before the cursor
        assertEquals("lients x.y ", editor.line());
        type("\001\006\013"); // Home, right, Ctrl-K
        assertEquals("l", editor.line());
        type("\025"); // Ctrl-U
        assertEquals("", editor.line());
        type("é");
        assertEquals("é", editor.line());
    }

    @Test
    void historyGoesBackAndForthAndKeepsTheLineBeingTyped() {
        editor.remember("first()");
        editor.remember("second()");
        editor.start("> ");
        type("thi");
        type("\033[A");
        assertEquals("second()", editor.line());
        type("\033[A\033[A");
        assertEquals("first()", editor.line());
        type("\033[B\033[B");
        assertEquals("thi", editor.line());
    }

    @Test
    void keysThatEndOrHandOverTheLine() {
        editor.start("> ");
        assertEquals(LineEditor.Action.END, type("\004"));
        assertEquals(LineEditor.Action.COMPLETE, type("cli\t"));
        assertEquals(LineEditor.Action.CANCEL, type("\003"));
        editor.start("> ");
        assertEquals(LineEditor.Action.ENTER, type("1 + 1\r"));
        assertEquals("1 + 1", editor.line());
    }

    @Test
    void aLongLineWrapsAndTheCursorIsPlacedByRowAndColumn() {
        LineEditor narrow = new LineEditor(10);
        narrow.start("> ");
        for (char c : "abcdefghijkl".toCharArray()) {
            narrow.feed(c, new StringBuilder());
        }
        StringBuilder echo = new StringBuilder();
        narrow.feed(0x01, echo); // Home: from row 1 back to row 0, column 2
        assertTrue(echo.toString().startsWith("\033[1A\r> abcdefghijkl\033[J"), echo.toString());
        assertTrue(echo.toString().endsWith("\033[1A\r\033[2C"), echo.toString());
    }
}
