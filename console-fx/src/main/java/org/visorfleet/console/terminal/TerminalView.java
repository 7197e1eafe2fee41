package org.visorfleet.console.terminal;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.application.Platform;
import javafx.geometry.Bounds;
import javafx.scene.AccessibleRole;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.input.Clipboard;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.FontPosture;
import javafx.scene.text.FontWeight;
import javafx.scene.text.Text;
import javafx.scene.text.TextBoundsType;
import javafx.util.Duration;

/**
 * A terminal on screen: draws a {@link TerminalScreen} on a canvas with a blinking cursor, turns
 * keys into the bytes an xterm sends ({@link TerminalKeys}) and fits the grid to its size. Output
 * from the remote side goes in through {@link #feed}, from any thread; what the user types comes
 * out through {@link #setOnInput}, a new grid size through {@link #setOnResize}. Shift+Insert and
 * Ctrl+Shift+V paste (bracketed when the program asked for it); Shift+PgUp/PgDn and the mouse wheel
 * scroll back through the rows that left the screen, and typing returns to the live screen.
 */
public final class TerminalView extends Region {

    /** The smallest grid a window shrinks it to. */
    static final int MIN_COLUMNS = 20;

    static final int MIN_ROWS = 5;

    private static final Duration BLINK = Duration.millis(530);

    private final TerminalScreen screen;
    private final TerminalParser parser;
    private final Canvas canvas = new Canvas();
    private final Font font;
    private final Font bold;
    private final Font italic;
    private final double cellWidth;
    private final double cellHeight;
    private final double baseline;
    private final Timeline blink;
    private final AtomicBoolean redrawPending = new AtomicBoolean();

    private Consumer<byte[]> onInput = bytes -> {};
    private BiConsumer<Integer, Integer> onResize = (columns, rows) -> {};
    private boolean cursorOn = true;
    /** How many rows the view is scrolled back into the history; 0 shows the live screen. */
    private int scrollBack;

    /** A terminal of {@code columns} x {@code rows} until it is laid out. */
    public TerminalView(int columns, int rows) {
        screen = new TerminalScreen(columns, rows);
        parser = new TerminalParser(screen, bytes -> onInput.accept(bytes), () -> {});
        font = Font.font("Monospaced", 14);
        bold = Font.font("Monospaced", FontWeight.BOLD, 14);
        italic = Font.font("Monospaced", FontPosture.ITALIC, 14);
        Text probe = new Text("M");
        probe.setFont(font);
        probe.setBoundsType(TextBoundsType.LOGICAL);
        Bounds bounds = probe.getLayoutBounds();
        cellWidth = Math.max(1, Math.ceil(bounds.getWidth()));
        cellHeight = Math.max(1, Math.ceil(bounds.getHeight()));
        baseline = probe.getBaselineOffset();
        getChildren().add(canvas);
        setId("terminal");
        setFocusTraversable(true);
        setAccessibleRole(AccessibleRole.TEXT_AREA);
        setAccessibleText("Terminal");
        getStyleClass().add("terminal");
        addEventHandler(KeyEvent.KEY_PRESSED, this::keyPressed);
        addEventHandler(KeyEvent.KEY_TYPED, this::keyTyped);
        setOnMouseClicked(e -> requestFocus());
        setOnScroll(e -> {
            scrollBackBy((int) Math.signum(e.getDeltaY()) * 3);
            e.consume();
        });
        focusedProperty().addListener((o, was, is) -> redraw());
        blink = new Timeline(new KeyFrame(BLINK, e -> {
            cursorOn = !cursorOn;
            redraw();
        }));
        blink.setCycleCount(Timeline.INDEFINITE);
        blink.play();
        redraw();
    }

    /**
     * Where typed and pasted bytes go (from the application thread) and the answers to the program's
     * queries (from the thread that feeds output); it must not block.
     */
    public void setOnInput(Consumer<byte[]> onInput) {
        this.onInput = Objects.requireNonNull(onInput);
    }

    /** Told the new columns and rows whenever layout changes the grid's size. */
    public void setOnResize(BiConsumer<Integer, Integer> onResize) {
        this.onResize = Objects.requireNonNull(onResize);
    }

    /** Output of the remote program; any thread. */
    public void feed(byte[] data, int offset, int length) {
        synchronized (screen) {
            parser.feed(data, offset, length);
        }
        if (redrawPending.compareAndSet(false, true)) {
            Platform.runLater(() -> {
                redrawPending.set(false);
                redraw();
            });
        }
    }

    /** The screen's text (rows joined with newlines); any thread. */
    public String text() {
        synchronized (screen) {
            return screen.text();
        }
    }

    public int columns() {
        synchronized (screen) {
            return screen.columns();
        }
    }

    public int rows() {
        synchronized (screen) {
            return screen.rows();
        }
    }

    /** The title the remote program set, empty if none; any thread. */
    public String title() {
        synchronized (screen) {
            return screen.title();
        }
    }

    /** How many rows the view is scrolled back into the history (0: the live screen). */
    public int scrollBack() {
        return scrollBack;
    }

    /** Scrolls back ({@code rows} > 0) or forward into the history, within what there is. */
    public void scrollBackBy(int rows) {
        int history;
        synchronized (screen) {
            history = screen.historySize();
        }
        scrollBack = Math.max(0, Math.min(history, scrollBack + rows));
        redraw();
    }

    /** Stops the cursor's blinking (the view is going away). */
    public void dispose() {
        blink.stop();
    }

    /** Sends {@code text} as pasted text, bracketed if the program asked for it. */
    public void paste(String text) {
        if (text == null || text.isEmpty()) {
            return;
        }
        boolean bracketed;
        synchronized (screen) {
            bracketed = screen.bracketedPaste();
        }
        String normalized = text.replace("\r\n", "\r").replace('\n', '\r');
        String sent = bracketed ? "\u001b[200~" + normalized + "\u001b[201~" : normalized;
        onInput.accept(sent.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    protected double computePrefWidth(double height) {
        return snappedLeftInset() + columns() * cellWidth + snappedRightInset();
    }

    @Override
    protected double computePrefHeight(double width) {
        return snappedTopInset() + rows() * cellHeight + snappedBottomInset();
    }

    @Override
    protected double computeMinWidth(double height) {
        return MIN_COLUMNS * cellWidth;
    }

    @Override
    protected double computeMinHeight(double width) {
        return MIN_ROWS * cellHeight;
    }

    @Override
    protected void layoutChildren() {
        double width = getWidth() - snappedLeftInset() - snappedRightInset();
        double height = getHeight() - snappedTopInset() - snappedBottomInset();
        canvas.relocate(snappedLeftInset(), snappedTopInset());
        canvas.setWidth(Math.max(0, width));
        canvas.setHeight(Math.max(0, height));
        int columns = Math.max(MIN_COLUMNS, (int) (width / cellWidth));
        int rows = Math.max(MIN_ROWS, (int) (height / cellHeight));
        boolean changed;
        synchronized (screen) {
            changed = columns != screen.columns() || rows != screen.rows();
            screen.resize(columns, rows);
        }
        if (changed) {
            onResize.accept(screen.columns(), screen.rows());
        }
        redraw();
    }

    private void keyPressed(KeyEvent event) {
        if (event.isShiftDown() && (event.getCode() == KeyCode.PAGE_UP || event.getCode() == KeyCode.PAGE_DOWN)) {
            int page = Math.max(1, rows() - 1);
            scrollBackBy(event.getCode() == KeyCode.PAGE_UP ? page : -page);
            event.consume();
            return;
        }
        if ((event.getCode() == KeyCode.INSERT && event.isShiftDown())
                || (event.getCode() == KeyCode.V && event.isShortcutDown() && event.isShiftDown())) {
            paste(Clipboard.getSystemClipboard().getString());
            event.consume();
            return;
        }
        boolean application;
        synchronized (screen) {
            application = screen.applicationCursorKeys();
        }
        byte[] bytes = TerminalKeys.pressed(
                event.getCode(), event.isShiftDown(), event.isControlDown(), event.isAltDown(), application);
        if (bytes != null) {
            send(bytes);
            event.consume();
        }
    }

    private void keyTyped(KeyEvent event) {
        byte[] bytes =
                TerminalKeys.typed(event.getCharacter(), event.isControlDown(), event.isAltDown(), event.isMetaDown());
        if (bytes != null) {
            send(bytes);
            event.consume();
        }
    }

    private void send(byte[] bytes) {
        scrollBack = 0;
        cursorOn = true;
        blink.playFromStart();
        onInput.accept(bytes);
    }

    /**
     * Paints every cell, in runs of one style per row, and the cursor; scrolled back, the rows of
     * the history above the screen and a note of how far back.
     */
    private void redraw() {
        GraphicsContext g = canvas.getGraphicsContext2D();
        g.setFill(TerminalPalette.DEFAULT_BACKGROUND);
        g.fillRect(0, 0, canvas.getWidth(), canvas.getHeight());
        synchronized (screen) {
            scrollBack = Math.min(scrollBack, screen.historySize());
            for (int row = 0; row < screen.rows(); row++) {
                int source = row - scrollBack;
                int[] chars = screen.charsOf(source);
                CellStyle[] styles = screen.stylesOf(source);
                int width = Math.min(chars.length, screen.columns());
                int start = 0;
                while (start < width) {
                    CellStyle style = styles[start];
                    int end = start + 1;
                    while (end < width && styles[end].equals(style)) {
                        end++;
                    }
                    paintRun(g, row, start, end, style, chars);
                    start = end;
                }
            }
            if (scrollBack > 0) {
                paintScrollNote(g);
            } else if (screen.cursorVisible() && (cursorOn || !isFocused())) {
                paintCursor(g);
            }
        }
    }

    private void paintScrollNote(GraphicsContext g) {
        String note = " ↑ " + scrollBack + " ";
        double width = note.length() * cellWidth;
        double x = canvas.getWidth() - width;
        g.setFill(TerminalPalette.DEFAULT_FOREGROUND);
        g.fillRect(x, 0, width, cellHeight);
        g.setFill(TerminalPalette.DEFAULT_BACKGROUND);
        g.setFont(font);
        g.fillText(note, x, baseline);
    }

    private void paintRun(GraphicsContext g, int row, int start, int end, CellStyle style, int[] chars) {
        boolean isBold = style.has(CellStyle.BOLD);
        Color foreground = TerminalPalette.color(style.foreground(), TerminalPalette.DEFAULT_FOREGROUND, isBold);
        Color background = TerminalPalette.color(style.background(), TerminalPalette.DEFAULT_BACKGROUND, false);
        if (style.has(CellStyle.INVERSE)) {
            Color swap = foreground;
            foreground = background;
            background = swap;
        }
        if (style.has(CellStyle.DIM)) {
            foreground = foreground.deriveColor(0, 1, 0.6, 1);
        }
        double x = start * cellWidth;
        double y = row * cellHeight;
        if (!background.equals(TerminalPalette.DEFAULT_BACKGROUND)) {
            g.setFill(background);
            g.fillRect(x, y, (end - start) * cellWidth, cellHeight);
        }
        g.setFill(foreground);
        g.setFont(isBold ? bold : style.has(CellStyle.ITALIC) ? italic : font);
        // One cell per character: drawn one by one so that wide or missing glyphs keep the grid.
        for (int column = start; column < end; column++) {
            int cp = chars[column];
            if (cp != ' ' && cp != TerminalScreen.WIDE_TAIL) {
                g.fillText(Character.toString(cp), column * cellWidth, y + baseline);
            }
        }
        if (style.has(CellStyle.UNDERLINE)) {
            g.fillRect(x, y + cellHeight - 2, (end - start) * cellWidth, 1);
        }
    }

    private void paintCursor(GraphicsContext g) {
        double x = screen.cursorColumn() * cellWidth;
        double y = screen.cursorRow() * cellHeight;
        g.setFill(TerminalPalette.DEFAULT_FOREGROUND);
        if (isFocused()) {
            g.fillRect(x, y, cellWidth, cellHeight);
            int cp = screen.codePoint(screen.cursorRow(), screen.cursorColumn());
            if (cp != ' ' && cp != TerminalScreen.WIDE_TAIL) {
                g.setFill(TerminalPalette.DEFAULT_BACKGROUND);
                g.setFont(font);
                g.fillText(Character.toString(cp), x, y + baseline);
            }
        } else {
            g.setStroke(TerminalPalette.DEFAULT_FOREGROUND);
            g.strokeRect(x + 0.5, y + 0.5, cellWidth - 1, cellHeight - 1);
        }
    }
}
