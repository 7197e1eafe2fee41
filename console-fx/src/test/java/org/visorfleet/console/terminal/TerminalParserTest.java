package org.visorfleet.console.terminal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The screen model driven through the parser, as a remote program drives it. */
class TerminalParserTest {

    TerminalScreen screen;
    TerminalParser parser;
    ByteArrayOutputStream replies;
    int bells;

    @BeforeEach
    void start() {
        screen = new TerminalScreen(20, 5);
        replies = new ByteArrayOutputStream();
        parser = new TerminalParser(screen, replies::writeBytes, () -> bells++);
    }

    void feed(String text) {
        parser.feed(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void printsTextWithCarriageReturnLineFeedBackspaceAndTab() {
        feed("hello\r\nworld\bD\ta\u0007");
        assertEquals("hello", screen.line(0));
        assertEquals("worlD   a", screen.line(1));
        assertEquals(1, screen.cursorRow());
        assertEquals(9, screen.cursorColumn());
        assertEquals(1, bells);
    }

    @Test
    void wrapsAtTheRightMarginOnlyWhenTheNextCharacterComes() {
        feed("a".repeat(20));
        assertEquals(0, screen.cursorRow(), "the cursor waits in the last column");
        assertEquals(19, screen.cursorColumn());
        feed("b");
        assertEquals("b", screen.line(1));
    }

    @Test
    void scrollsAtTheBottom() {
        feed("1\r\n2\r\n3\r\n4\r\n5\r\n6");
        assertEquals("2\n3\n4\n5\n6", screen.text());
    }

    @Test
    void movesTheCursor() {
        feed("\u001b[3;5H");
        assertEquals(2, screen.cursorRow());
        assertEquals(4, screen.cursorColumn());
        feed("\u001b[A\u001b[2C");
        assertEquals(1, screen.cursorRow());
        assertEquals(6, screen.cursorColumn());
        feed("\u001b[2B\u001b[4D");
        assertEquals(3, screen.cursorRow());
        assertEquals(2, screen.cursorColumn());
        feed("\u001b[10G");
        assertEquals(9, screen.cursorColumn());
        feed("\u001b[2d");
        assertEquals(1, screen.cursorRow());
        feed("\u001b[4;7f");
        assertEquals(3, screen.cursorRow());
        assertEquals(6, screen.cursorColumn());
        feed("\u001b[99;99H");
        assertEquals(4, screen.cursorRow(), "clamped");
        assertEquals(19, screen.cursorColumn(), "clamped");
        feed("\u001b[H");
        assertEquals(0, screen.cursorRow());
        assertEquals(0, screen.cursorColumn());
        feed("\u001b[50A\u001b[50D");
        assertEquals(0, screen.cursorRow());
        assertEquals(0, screen.cursorColumn());
    }

    @Test
    void erasesDisplayAndLine() {
        feed("aaaaa\r\nbbbbb\r\nccccc\u001b[2;3H\u001b[K");
        assertEquals("aaaaa\nbb\nccccc\n\n", screen.text());
        feed("\u001b[1K");
        assertEquals("", screen.line(1));
        feed("\u001b[1;3H\u001b[J");
        assertEquals("aa\n\n\n\n", screen.text());
        feed("\u001b[2J");
        assertEquals("\n\n\n\n", screen.text());
        feed("\u001b[Hxyz\u001b[1;1H\u001b[2X");
        assertEquals("  z", screen.line(0));
    }

    @Test
    void insertsAndDeletesCharactersAndLines() {
        feed("abcdef\u001b[1;3H\u001b[2@");
        assertEquals("ab  cdef", screen.line(0));
        feed("\u001b[3P");
        assertEquals("abdef", screen.line(0));
        feed("\r\nline2\r\nline3\u001b[2;1H\u001b[L");
        assertEquals("abdef\n\nline2\nline3\n", screen.text());
        feed("\u001b[2M");
        assertEquals("abdef\nline3\n\n\n", screen.text());
    }

    @Test
    void selectsColoursAndAttributes() {
        feed("\u001b[1;4;31;42mA\u001b[7;38;5;200;48;2;10;20;30mB\u001b[0;95;104mC\u001b[mD\u001b[22;39mE");
        CellStyle a = screen.style(0, 0);
        assertEquals(1, a.foreground());
        assertEquals(2, a.background());
        assertTrue(a.has(CellStyle.BOLD) && a.has(CellStyle.UNDERLINE));
        CellStyle b = screen.style(0, 1);
        assertEquals(200, b.foreground());
        assertEquals(CellStyle.rgb(10, 20, 30), b.background());
        assertTrue(CellStyle.isRgb(b.background()));
        assertTrue(b.has(CellStyle.INVERSE) && b.has(CellStyle.BOLD));
        CellStyle c = screen.style(0, 2);
        assertEquals(13, c.foreground());
        assertEquals(12, c.background());
        assertFalse(c.has(CellStyle.BOLD));
        assertEquals(CellStyle.PLAIN, screen.style(0, 3));
        assertEquals(CellStyle.PLAIN, screen.style(0, 4));
    }

    @Test
    void malformedColoursAreIgnored() {
        feed("\u001b[38;5;999mA\u001b[38;2;1mB\u001b[48mC");
        assertEquals("ABC", screen.line(0));
        assertEquals(CellStyle.DEFAULT, screen.style(0, 0).foreground());
    }

    @Test
    void scrollRegionKeepsTheRowsOutsideIt() {
        feed("top\u001b[2;4r");
        assertEquals(1, screen.scrollTop());
        assertEquals(3, screen.scrollBottom());
        assertEquals(0, screen.cursorRow(), "DECSTBM homes the cursor");
        feed("\u001b[5;1Hbottom\u001b[2;1Ha\r\nb\r\nc\r\nd\r\ne");
        assertEquals("top\nc\nd\ne\nbottom", screen.text());
        feed("\u001b[2;1H\u001bM");
        assertEquals("top\n\nc\nd\nbottom", screen.text(), "reverse index at the region's top scrolls it down");
        feed("\u001b[S");
        assertEquals("top\nc\nd\n\nbottom", screen.text());
        feed("\u001b[r");
        assertEquals(0, screen.scrollTop());
        assertEquals(4, screen.scrollBottom());
    }

    @Test
    void alternateScreenKeepsTheMainScreenAndCursor() {
        feed("shell prompt$ \u001b[?1049h");
        assertTrue(screen.alternateScreen());
        assertEquals("\n\n\n\n", screen.text(), "the alternate screen starts blank");
        feed("\u001b[3;3Hfull screen");
        feed("\u001b[?1049l");
        assertFalse(screen.alternateScreen());
        assertEquals("shell prompt$", screen.line(0));
        assertEquals(0, screen.cursorRow());
        assertEquals(14, screen.cursorColumn());
    }

    @Test
    void savesAndRestoresTheCursor() {
        feed("\u001b[2;3H\u001b[31m\u001b7\u001b[5;5H\u001b[0m\u001b8x");
        assertEquals(1, screen.cursorRow());
        assertEquals(1, screen.style(1, 2).foreground());
        feed("\u001b[3;4H\u001b[s\u001b[H\u001b[u");
        assertEquals(2, screen.cursorRow());
        assertEquals(3, screen.cursorColumn());
    }

    @Test
    void modesCursorVisibilityBracketedPasteAndApplicationKeys() {
        feed("\u001b[?25l\u001b[?2004;1h");
        assertFalse(screen.cursorVisible());
        assertTrue(screen.bracketedPaste());
        assertTrue(screen.applicationCursorKeys());
        feed("\u001b[?25h\u001b[?2004;1l");
        assertTrue(screen.cursorVisible());
        assertFalse(screen.bracketedPaste());
        assertFalse(screen.applicationCursorKeys());
    }

    @Test
    void oscSetsTheTitleWithBelOrStringTerminator() {
        feed("\u001b]0;tech@desk-01: ~\u0007");
        assertEquals("tech@desk-01: ~", screen.title());
        feed("\u001b]2;second\u001b\\after");
        assertEquals("second", screen.title());
        assertEquals("after", screen.line(0));
        feed("\u001b]8;;http://example.org\u001b\\");
        assertEquals("second", screen.title(), "other OSC commands are ignored");
    }

    @Test
    void utf8SplitAcrossReadsIsOneCharacter() {
        byte[] bytes = "é€😀".getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) {
            parser.feed(new byte[] {b});
        }
        assertEquals('é', screen.codePoint(0, 0));
        assertEquals('€', screen.codePoint(0, 1));
        assertEquals(0x1F600, screen.codePoint(0, 2), "an emoji, two cells wide");
        parser.feed(new byte[] {(byte) 0xe2, (byte) 0x82, 'x', (byte) 0xff, (byte) 0xc0, (byte) 0x80});
        assertEquals(0xFFFD, screen.codePoint(0, 4), "a cut sequence is one replacement character");
        assertEquals('x', screen.codePoint(0, 5));
        assertEquals(0xFFFD, screen.codePoint(0, 6));
        assertEquals(0xFFFD, screen.codePoint(0, 7), "overlong lead byte");
    }

    @Test
    void wideCharactersTakeTwoCellsAndCombiningMarksNone() {
        feed("日本語\u0301x");
        assertEquals("日本語x", screen.line(0));
        assertEquals(7, screen.cursorColumn());
        assertEquals(TerminalScreen.WIDE_TAIL, screen.codePoint(0, 1));
        feed("\r\n" + "a".repeat(19) + "字");
        assertEquals("a".repeat(19), screen.line(1), "a wide character never splits across rows");
        assertEquals("字", screen.line(2));
    }

    @Test
    void answersCursorPositionAndDeviceAttributes() {
        feed("\u001b[2;4H\u001b[6n\u001b[c");
        assertArrayEquals("\u001b[2;4R\u001b[?1;2c".getBytes(StandardCharsets.US_ASCII), replies.toByteArray());
    }

    @Test
    void unknownSequencesAreSwallowed() {
        feed("a\u001b[>4;1m\u001b[?1000h\u001b[2 q\u001bP+q544e\u001b\\\u001b#8\u001b=b\u001b(0q\u001b(Bc");
        assertEquals("ab─c", screen.line(0));
    }

    @Test
    void resizeKeepsTheCursorRowAndCutsColumns() {
        feed("1\r\n2\r\n3\r\n4\r\n5 long line here");
        screen.resize(10, 3);
        assertEquals("3\n4\n5 long lin", screen.text(), "the top rows go so that the cursor's row stays");
        assertEquals(2, screen.cursorRow());
        assertEquals(9, screen.cursorColumn());
        screen.resize(30, 6);
        assertEquals("3\n4\n5 long lin\n\n\n", screen.text());
        assertEquals(5, screen.scrollBottom());
        assertTrue(screen.consistent());
    }

    @Test
    void rowsLeavingTheMainScreenAreKeptInTheHistory() {
        feed("1\r\n2\r\n3\r\n4\r\n5\r\n6\r\n7");
        assertEquals(2, screen.historySize());
        assertEquals("2", screen.historyLine(-1));
        assertEquals("1", screen.historyLine(-2));
        feed("\u001b[?1049h\r\n\r\n\r\n\r\n\r\n\r\n\u001b[?1049l");
        assertEquals(2, screen.historySize(), "the alternate screen keeps no history");
        feed("\u001b[2;4r\u001b[4;1H\r\n\r\n\u001b[r");
        assertEquals(2, screen.historySize(), "nor does a scroll region below the top");
        assertEquals("3\n6\n\n\n7", screen.text());
        feed("\u001b[5;1H");
        screen.resize(20, 3);
        assertEquals(4, screen.historySize(), "rows a shrinking screen drops");
        assertEquals("6", screen.historyLine(-1));
        feed("\u001b[3J");
        assertEquals(0, screen.historySize());
    }

    @Test
    void historyIsBounded() {
        for (int i = 0; i < TerminalScreen.HISTORY_ROWS + 50; i++) {
            feed(i + "\r\n");
        }
        assertEquals(TerminalScreen.HISTORY_ROWS, screen.historySize());
        assertEquals(String.valueOf(TerminalScreen.HISTORY_ROWS + 50 - 5), screen.historyLine(-1));
    }
}
