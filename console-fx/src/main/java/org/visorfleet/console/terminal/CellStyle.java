package org.visorfleet.console.terminal;

/**
 * How one cell of a {@link TerminalScreen} is drawn: foreground and background colour and the
 * attributes. A colour is {@link #DEFAULT}, an xterm palette index 0..255 ({@link #indexed}), or a
 * 24-bit colour ({@link #rgb}).
 *
 * @param foreground the text colour
 * @param background the cell's colour
 * @param attributes a combination of {@link #BOLD}, {@link #DIM}, {@link #ITALIC}, {@link
 *     #UNDERLINE}, {@link #INVERSE}
 */
public record CellStyle(int foreground, int background, int attributes) {

    /** The terminal's own foreground or background colour. */
    public static final int DEFAULT = -1;

    public static final int BOLD = 1;
    public static final int DIM = 2;
    public static final int ITALIC = 4;
    public static final int UNDERLINE = 8;
    public static final int INVERSE = 16;

    /** Default colours, no attributes. */
    public static final CellStyle PLAIN = new CellStyle(DEFAULT, DEFAULT, 0);

    private static final int RGB_FLAG = 0x1000000;

    /** Palette entry {@code index} (0..255). */
    public static int indexed(int index) {
        if (index < 0 || index > 255) {
            throw new IllegalArgumentException("palette index out of 0..255: " + index);
        }
        return index;
    }

    /** A 24-bit colour. */
    public static int rgb(int red, int green, int blue) {
        return RGB_FLAG | (red & 0xff) << 16 | (green & 0xff) << 8 | (blue & 0xff);
    }

    /** Whether {@code colour} is a 24-bit colour (else default or a palette index). */
    public static boolean isRgb(int colour) {
        return (colour & RGB_FLAG) != 0;
    }

    public boolean has(int attribute) {
        return (attributes & attribute) != 0;
    }

    public CellStyle withForeground(int colour) {
        return new CellStyle(colour, background, attributes);
    }

    public CellStyle withBackground(int colour) {
        return new CellStyle(foreground, colour, attributes);
    }

    public CellStyle with(int attribute) {
        return new CellStyle(foreground, background, attributes | attribute);
    }

    public CellStyle without(int attribute) {
        return new CellStyle(foreground, background, attributes & ~attribute);
    }

    /** What erased cells get: this background only (xterm's background colour erase). */
    CellStyle erased() {
        return background == DEFAULT ? PLAIN : new CellStyle(DEFAULT, background, 0);
    }
}
