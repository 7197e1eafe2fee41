package org.visorfleet.console.terminal;

import java.util.Arrays;

/**
 * The state of a VT100/xterm screen: a grid of cells (a character and a {@link CellStyle} each), the
 * cursor, the scroll region, the main and alternate screens and the modes programs switch. {@link
 * TerminalParser} drives it from the bytes a remote program writes; {@link TerminalView} draws it.
 * Coordinates are 0-based; every operation clamps what it is given, so no input leaves the grid
 * inconsistent. Not thread-safe: a caller sharing it between threads locks on it.
 */
public final class TerminalScreen {

    /** The tab stop spacing (fixed; programs that set their own stops are rare). */
    static final int TAB_WIDTH = 8;

    /** The widest and tallest grid accepted, whatever a window asks. */
    public static final int MAX_COLUMNS = 1000;

    public static final int MAX_ROWS = 500;

    /** What the second cell of a wide character holds (drawn as nothing, left out of text). */
    public static final int WIDE_TAIL = 0;

    /** How many rows scrolled off the top of the main screen are kept. */
    public static final int HISTORY_ROWS = 2000;

    /** One screen's cells. */
    private static final class Grid {
        int[][] chars;
        CellStyle[][] styles;

        Grid(int columns, int rows) {
            chars = new int[rows][columns];
            styles = new CellStyle[rows][columns];
            for (int r = 0; r < rows; r++) {
                clearRow(r, 0, columns, CellStyle.PLAIN);
            }
        }

        void clearRow(int row, int from, int to, CellStyle style) {
            Arrays.fill(chars[row], from, to, ' ');
            Arrays.fill(styles[row], from, to, style);
        }

        /** Moves rows {@code top..bottom} up by {@code n}, blank rows coming in at the bottom. */
        void scrollUp(int top, int bottom, int n, CellStyle blank) {
            int columns = chars[0].length;
            for (int i = 0; i < n; i++) {
                int[] c = chars[top];
                CellStyle[] s = styles[top];
                System.arraycopy(chars, top + 1, chars, top, bottom - top);
                System.arraycopy(styles, top + 1, styles, top, bottom - top);
                chars[bottom] = c;
                styles[bottom] = s;
                clearRow(bottom, 0, columns, blank);
            }
        }

        /** Moves rows {@code top..bottom} down by {@code n}, blank rows coming in at the top. */
        void scrollDown(int top, int bottom, int n, CellStyle blank) {
            int columns = chars[0].length;
            for (int i = 0; i < n; i++) {
                int[] c = chars[bottom];
                CellStyle[] s = styles[bottom];
                System.arraycopy(chars, top, chars, top + 1, bottom - top);
                System.arraycopy(styles, top, styles, top + 1, bottom - top);
                chars[top] = c;
                styles[top] = s;
                clearRow(top, 0, columns, blank);
            }
        }

        /** A grid of the new size holding this one's rows {@code firstRow..}, cut or padded. */
        Grid resized(int columns, int rows, int firstRow) {
            Grid grid = new Grid(columns, rows);
            int oldColumns = chars[0].length;
            for (int r = 0; r < rows && firstRow + r < chars.length; r++) {
                int keep = Math.min(columns, oldColumns);
                System.arraycopy(chars[firstRow + r], 0, grid.chars[r], 0, keep);
                System.arraycopy(styles[firstRow + r], 0, grid.styles[r], 0, keep);
            }
            return grid;
        }
    }

    /** A row that scrolled off the top of the main screen, as it was. */
    private record HistoryRow(int[] chars, CellStyle[] styles) {}

    /** The cursor as ESC 7 / CSI s save it. */
    private record SavedCursor(int column, int row, CellStyle style, boolean originMode) {}

    private int columns;
    private int rows;
    private Grid main;
    private Grid alternate;
    private Grid grid;
    private final java.util.ArrayList<HistoryRow> history = new java.util.ArrayList<>();
    private int column;
    private int row;
    /** Set after printing in the last column: the next printable character wraps first. */
    private boolean wrapPending;

    private CellStyle style = CellStyle.PLAIN;
    private int top;
    private int bottom;
    private SavedCursor savedMain;
    private SavedCursor savedAlternate;

    private boolean cursorVisible = true;
    private boolean autoWrap = true;
    private boolean originMode;
    private boolean insertMode;
    private boolean applicationCursorKeys;
    private boolean bracketedPaste;
    private String title = "";

    public TerminalScreen(int columns, int rows) {
        this.columns = clamp(columns, 1, MAX_COLUMNS);
        this.rows = clamp(rows, 1, MAX_ROWS);
        reset();
    }

    /** Back to the state of a new terminal of this size (ESC c). */
    public void reset() {
        main = new Grid(columns, rows);
        alternate = new Grid(columns, rows);
        grid = main;
        history.clear();
        column = 0;
        row = 0;
        wrapPending = false;
        style = CellStyle.PLAIN;
        top = 0;
        bottom = rows - 1;
        savedMain = null;
        savedAlternate = null;
        cursorVisible = true;
        autoWrap = true;
        originMode = false;
        insertMode = false;
        applicationCursorKeys = false;
        bracketedPaste = false;
        title = "";
    }

    // ---- what the view and tests read

    public int columns() {
        return columns;
    }

    public int rows() {
        return rows;
    }

    public int cursorColumn() {
        return column;
    }

    public int cursorRow() {
        return row;
    }

    public boolean cursorVisible() {
        return cursorVisible;
    }

    /** DECCKM: arrow keys send {@code ESC O x} instead of {@code ESC [ x}. */
    public boolean applicationCursorKeys() {
        return applicationCursorKeys;
    }

    /** Mode 2004: pasted text is wrapped in {@code ESC [200~ ... ESC [201~}. */
    public boolean bracketedPaste() {
        return bracketedPaste;
    }

    /** Whether the alternate screen (full-screen programs) is shown. */
    public boolean alternateScreen() {
        return grid == alternate;
    }

    /** The title a program set with OSC 0 or 2, empty if none. */
    public String title() {
        return title;
    }

    /** The top and bottom row of the scroll region. */
    public int scrollTop() {
        return top;
    }

    public int scrollBottom() {
        return bottom;
    }

    public int codePoint(int row, int column) {
        return grid.chars[row][column];
    }

    public CellStyle style(int row, int column) {
        return grid.styles[row][column];
    }

    /** The style new characters get. */
    public CellStyle currentStyle() {
        return style;
    }

    /** How many rows of history (scrolled off the main screen) there are, newest last. */
    public int historySize() {
        return history.size();
    }

    /**
     * The characters of a row counted from the top of the screen: 0..rows-1 are the screen, -1 the
     * newest history row, -historySize() the oldest. A history row keeps the width it had. The array
     * is the screen's own: read it, do not keep it.
     */
    int[] charsOf(int row) {
        return row >= 0 ? grid.chars[row] : historyRow(row).chars();
    }

    /** The styles of a row, counted as {@link #charsOf}. */
    CellStyle[] stylesOf(int row) {
        return row >= 0 ? grid.styles[row] : historyRow(row).styles();
    }

    private HistoryRow historyRow(int row) {
        int index = history.size() + row;
        if (index < 0) {
            throw new IndexOutOfBoundsException("no history row " + row);
        }
        return history.get(index);
    }

    /** The text of a history row (-1 the newest) without trailing blanks. */
    public String historyLine(int row) {
        return trimmed(historyRow(row).chars());
    }

    /** The text of one row without trailing blanks. */
    public String line(int row) {
        return trimmed(grid.chars[row]);
    }

    private static String trimmed(int[] chars) {
        int end = chars.length;
        while (end > 0 && (chars[end - 1] == ' ' || chars[end - 1] == WIDE_TAIL)) {
            end--;
        }
        StringBuilder text = new StringBuilder(end);
        for (int i = 0; i < end; i++) {
            if (chars[i] != WIDE_TAIL) {
                text.appendCodePoint(chars[i]);
            }
        }
        return text.toString();
    }

    /** The whole screen as text, rows separated by newlines, trailing blanks removed. */
    public String text() {
        StringBuilder text = new StringBuilder();
        for (int r = 0; r < rows; r++) {
            if (r > 0) {
                text.append('\n');
            }
            text.append(line(r));
        }
        return text.toString();
    }

    // ---- printing and control characters

    /**
     * Writes one character at the cursor and advances it, wrapping at the right margin. A wide
     * character takes two cells (the second holds {@link #WIDE_TAIL}); a combining mark takes none
     * and is dropped.
     */
    public void print(int codePoint) {
        int width = CharacterWidth.of(codePoint);
        if (width == 0) {
            return;
        }
        if (width == 2 && columns < 2) {
            codePoint = '?';
            width = 1;
        }
        if (wrapPending || (width == 2 && column == columns - 1)) {
            wrapPending = false;
            if (autoWrap) {
                column = 0;
                lineFeed();
            } else if (width == 2) {
                column = columns - 2;
            }
        }
        if (insertMode) {
            insertCharacters(width);
        }
        grid.chars[row][column] = codePoint;
        grid.styles[row][column] = style;
        if (width == 2) {
            grid.chars[row][column + 1] = WIDE_TAIL;
            grid.styles[row][column + 1] = style;
        }
        if (column + width >= columns) {
            column = columns - 1;
            wrapPending = true;
        } else {
            column += width;
        }
    }

    public void carriageReturn() {
        column = 0;
        wrapPending = false;
    }

    /** LF (and IND): down one row, scrolling the region at its bottom. */
    public void lineFeed() {
        wrapPending = false;
        if (row == bottom) {
            scrollRegionUp(1);
        } else if (row < rows - 1) {
            row++;
        }
    }

    /** RI: up one row, scrolling the region down at its top. */
    public void reverseIndex() {
        wrapPending = false;
        if (row == top) {
            grid.scrollDown(top, bottom, 1, style.erased());
        } else if (row > 0) {
            row--;
        }
    }

    public void backspace() {
        wrapPending = false;
        if (column > 0) {
            column--;
        }
    }

    /** Forward to the next tab stop (every {@value #TAB_WIDTH} columns), at most the last column. */
    public void tab() {
        column = Math.min(columns - 1, (column / TAB_WIDTH + 1) * TAB_WIDTH);
    }

    /** Back {@code n} tab stops (CBT). */
    public void backTab(int n) {
        for (int i = 0; i < n && column > 0; i++) {
            column = (column - 1) / TAB_WIDTH * TAB_WIDTH;
        }
        wrapPending = false;
    }

    // ---- cursor movement

    /** CUU: up, stopping at the region's top when inside it. */
    public void cursorUp(int n) {
        int limit = row >= top ? top : 0;
        row = Math.max(limit, row - positive(n));
        wrapPending = false;
    }

    /** CUD: down, stopping at the region's bottom when inside it. */
    public void cursorDown(int n) {
        int limit = row <= bottom ? bottom : rows - 1;
        row = Math.min(limit, row + positive(n));
        wrapPending = false;
    }

    public void cursorForward(int n) {
        column = Math.min(columns - 1, column + positive(n));
        wrapPending = false;
    }

    public void cursorBackward(int n) {
        column = Math.max(0, column - positive(n));
        wrapPending = false;
    }

    /** CUP: to a row and column (relative to the region's top in origin mode). */
    public void moveTo(int row, int column) {
        setRow(row);
        setColumn(column);
    }

    /** CHA/HPA: to a column of the current row. */
    public void setColumn(int column) {
        this.column = clamp(column, 0, columns - 1);
        wrapPending = false;
    }

    /** VPA: to a row, keeping the column (relative to the region's top in origin mode). */
    public void setRow(int row) {
        if (originMode) {
            this.row = clamp(top + Math.max(0, row), top, bottom);
        } else {
            this.row = clamp(row, 0, rows - 1);
        }
        wrapPending = false;
    }

    /** ESC 7 / CSI s. */
    public void saveCursor() {
        SavedCursor saved = new SavedCursor(column, row, style, originMode);
        if (grid == main) {
            savedMain = saved;
        } else {
            savedAlternate = saved;
        }
    }

    /** ESC 8 / CSI u: back to the saved cursor, or home with plain style if none was saved. */
    public void restoreCursor() {
        SavedCursor saved = grid == main ? savedMain : savedAlternate;
        if (saved == null) {
            saved = new SavedCursor(0, 0, CellStyle.PLAIN, false);
        }
        column = clamp(saved.column(), 0, columns - 1);
        row = clamp(saved.row(), 0, rows - 1);
        style = saved.style();
        originMode = saved.originMode();
        wrapPending = false;
    }

    // ---- erasing, inserting, deleting

    /** ED: 0 cursor to end, 1 start to cursor, 2 all, 3 all and the history. */
    public void eraseInDisplay(int mode) {
        CellStyle blank = style.erased();
        switch (mode) {
            case 0 -> {
                grid.clearRow(row, column, columns, blank);
                for (int r = row + 1; r < rows; r++) {
                    grid.clearRow(r, 0, columns, blank);
                }
            }
            case 1 -> {
                for (int r = 0; r < row; r++) {
                    grid.clearRow(r, 0, columns, blank);
                }
                grid.clearRow(row, 0, column + 1, blank);
            }
            case 2, 3 -> {
                for (int r = 0; r < rows; r++) {
                    grid.clearRow(r, 0, columns, blank);
                }
                if (mode == 3) {
                    history.clear(); // xterm: "erase saved lines"
                }
            }
            default -> {
                // unknown mode: nothing, as xterm
            }
        }
        wrapPending = false;
    }

    /** EL: 0 cursor to end of line, 1 start to cursor, 2 the whole line. */
    public void eraseInLine(int mode) {
        CellStyle blank = style.erased();
        switch (mode) {
            case 0 -> grid.clearRow(row, column, columns, blank);
            case 1 -> grid.clearRow(row, 0, column + 1, blank);
            case 2 -> grid.clearRow(row, 0, columns, blank);
            default -> {
                // unknown mode: nothing
            }
        }
        wrapPending = false;
    }

    /** ECH: blanks {@code n} characters from the cursor, nothing moves. */
    public void eraseCharacters(int n) {
        grid.clearRow(row, column, Math.min(columns, column + positive(n)), style.erased());
        wrapPending = false;
    }

    /** ICH: shifts the rest of the line right by {@code n}, blanks coming in at the cursor. */
    public void insertCharacters(int n) {
        int count = Math.min(positive(n), columns - column);
        int[] chars = grid.chars[row];
        CellStyle[] styles = grid.styles[row];
        System.arraycopy(chars, column, chars, column + count, columns - column - count);
        System.arraycopy(styles, column, styles, column + count, columns - column - count);
        grid.clearRow(row, column, column + count, style.erased());
        wrapPending = false;
    }

    /** DCH: removes {@code n} characters at the cursor, the rest of the line moving left. */
    public void deleteCharacters(int n) {
        int count = Math.min(positive(n), columns - column);
        int[] chars = grid.chars[row];
        CellStyle[] styles = grid.styles[row];
        System.arraycopy(chars, column + count, chars, column, columns - column - count);
        System.arraycopy(styles, column + count, styles, column, columns - column - count);
        grid.clearRow(row, columns - count, columns, style.erased());
        wrapPending = false;
    }

    /** IL: inserts {@code n} blank rows at the cursor's row (inside the scroll region only). */
    public void insertLines(int n) {
        if (row < top || row > bottom) {
            return;
        }
        grid.scrollDown(row, bottom, Math.min(positive(n), bottom - row + 1), style.erased());
        column = 0;
        wrapPending = false;
    }

    /** DL: removes {@code n} rows at the cursor's row (inside the scroll region only). */
    public void deleteLines(int n) {
        if (row < top || row > bottom) {
            return;
        }
        grid.scrollUp(row, bottom, Math.min(positive(n), bottom - row + 1), style.erased());
        column = 0;
        wrapPending = false;
    }

    /** SU: the region's content moves up {@code n} rows. */
    public void scrollUp(int n) {
        scrollRegionUp(Math.min(positive(n), bottom - top + 1));
    }

    /** Scrolls the region up; rows leaving the top of the main screen go to the history. */
    private void scrollRegionUp(int n) {
        if (grid == main && top == 0) {
            for (int r = 0; r < n; r++) {
                remember(grid.chars[r], grid.styles[r]);
            }
        }
        grid.scrollUp(top, bottom, n, style.erased());
    }

    private void remember(int[] chars, CellStyle[] styles) {
        if (history.size() == HISTORY_ROWS) {
            history.removeFirst(); // an array copy of at most HISTORY_ROWS references
        }
        history.addLast(new HistoryRow(chars.clone(), styles.clone()));
    }

    /** SD: the region's content moves down {@code n} rows. */
    public void scrollDown(int n) {
        grid.scrollDown(top, bottom, Math.min(positive(n), bottom - top + 1), style.erased());
    }

    /**
     * DECSTBM: the rows between {@code top} and {@code bottom} (inclusive) scroll; ignored unless
     * top is above bottom. The cursor goes home.
     */
    public void setScrollRegion(int top, int bottom) {
        int t = clamp(top, 0, rows - 1);
        int b = clamp(bottom, 0, rows - 1);
        if (t >= b) {
            return;
        }
        this.top = t;
        this.bottom = b;
        moveTo(0, 0);
    }

    // ---- modes

    public void setStyle(CellStyle style) {
        this.style = style;
    }

    public void setCursorVisible(boolean visible) {
        cursorVisible = visible;
    }

    public void setAutoWrap(boolean autoWrap) {
        this.autoWrap = autoWrap;
        wrapPending = false;
    }

    public void setOriginMode(boolean originMode) {
        this.originMode = originMode;
        moveTo(0, 0);
    }

    public void setInsertMode(boolean insertMode) {
        this.insertMode = insertMode;
    }

    public void setApplicationCursorKeys(boolean application) {
        applicationCursorKeys = application;
    }

    public void setBracketedPaste(boolean bracketedPaste) {
        this.bracketedPaste = bracketedPaste;
    }

    public void setTitle(String title) {
        this.title = title;
    }

    /**
     * Mode 1049 (and 47/1047): to the alternate screen, cleared, saving the cursor ({@code
     * saveCursor}: 1049); or back to the main screen as it was.
     */
    public void useAlternateScreen(boolean alternate, boolean saveCursor) {
        if (alternate == alternateScreen()) {
            return;
        }
        if (alternate) {
            if (saveCursor) {
                saveCursor();
            }
            grid = this.alternate;
            for (int r = 0; r < rows; r++) {
                grid.clearRow(r, 0, columns, CellStyle.PLAIN);
            }
        } else {
            grid = main;
            if (saveCursor) {
                restoreCursor();
            }
        }
        wrapPending = false;
    }

    /**
     * Changes the size. Rows are kept from the top, except that when the screen gets shorter the
     * top rows go (to the history) so that the cursor's row stays; columns are cut or padded on the
     * right.
     * The scroll region becomes the whole screen.
     */
    public void resize(int columns, int rows) {
        int newColumns = clamp(columns, 1, MAX_COLUMNS);
        int newRows = clamp(rows, 1, MAX_ROWS);
        if (newColumns == this.columns && newRows == this.rows) {
            return;
        }
        int dropped = Math.max(0, row - (newRows - 1));
        boolean onAlternate = alternateScreen();
        if (!onAlternate) {
            for (int r = 0; r < dropped; r++) {
                remember(main.chars[r], main.styles[r]);
            }
        }
        main = main.resized(newColumns, newRows, onAlternate ? 0 : dropped);
        alternate = alternate.resized(newColumns, newRows, onAlternate ? dropped : 0);
        grid = onAlternate ? alternate : main;
        this.columns = newColumns;
        this.rows = newRows;
        row = clamp(row - dropped, 0, newRows - 1);
        column = clamp(column, 0, newColumns - 1);
        wrapPending = false;
        top = 0;
        bottom = newRows - 1;
    }

    /** Whether the model's invariants hold (the fuzz test asks after every chunk). */
    boolean consistent() {
        if (row < 0 || row >= rows || column < 0 || column >= columns) {
            return false;
        }
        if (top < 0 || top >= bottom || bottom >= rows) {
            return rows == 1 && top == 0 && bottom == 0;
        }
        for (Grid g : new Grid[] {main, alternate}) {
            if (g.chars.length != rows || g.styles.length != rows) {
                return false;
            }
            for (int r = 0; r < rows; r++) {
                if (g.chars[r].length != columns || g.styles[r].length != columns) {
                    return false;
                }
                for (int c = 0; c < columns; c++) {
                    if (g.styles[r][c] == null || !Character.isValidCodePoint(g.chars[r][c])) {
                        return false;
                    }
                }
            }
        }
        return grid == main || grid == alternate;
    }

    private static int positive(int n) {
        return Math.max(1, n);
    }

    private static int clamp(int value, int min, int max) {
        return Math.max(min, Math.min(max, value));
    }
}
