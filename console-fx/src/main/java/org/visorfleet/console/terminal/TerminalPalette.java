package org.visorfleet.console.terminal;

import javafx.scene.paint.Color;

/**
 * The colours of the terminal: xterm's 16 standard colours, the 6x6x6 colour cube and the 24-step
 * grey ramp for indexes 16..255, 24-bit colours as they are, and a dark default background.
 */
public final class TerminalPalette {

    public static final Color DEFAULT_FOREGROUND = Color.rgb(0xe5, 0xe5, 0xe5);
    public static final Color DEFAULT_BACKGROUND = Color.rgb(0x1e, 0x1e, 0x1e);

    private static final int[] STANDARD = {
        0x000000, 0xcd0000, 0x00cd00, 0xcdcd00, 0x0000ee, 0xcd00cd, 0x00cdcd, 0xe5e5e5,
        0x7f7f7f, 0xff0000, 0x00ff00, 0xffff00, 0x5c5cff, 0xff00ff, 0x00ffff, 0xffffff
    };

    private static final Color[] INDEXED = new Color[256];

    static {
        for (int i = 0; i < 16; i++) {
            INDEXED[i] = rgb(STANDARD[i]);
        }
        int[] levels = {0, 95, 135, 175, 215, 255};
        for (int i = 0; i < 216; i++) {
            INDEXED[16 + i] = Color.rgb(levels[i / 36], levels[i / 6 % 6], levels[i % 6]);
        }
        for (int i = 0; i < 24; i++) {
            int grey = 8 + 10 * i;
            INDEXED[232 + i] = Color.rgb(grey, grey, grey);
        }
    }

    private TerminalPalette() {}

    /**
     * The colour of a {@link CellStyle} colour value; {@code fallback} for {@link CellStyle#DEFAULT}.
     * Bold text in one of the 8 basic colours is shown in its bright variant, as xterm does.
     */
    public static Color color(int value, Color fallback, boolean bold) {
        if (value == CellStyle.DEFAULT) {
            return fallback;
        }
        if (CellStyle.isRgb(value)) {
            return rgb(value & 0xffffff);
        }
        int index = bold && value < 8 ? value + 8 : value;
        return INDEXED[index & 0xff];
    }

    private static Color rgb(int value) {
        return Color.rgb(value >> 16 & 0xff, value >> 8 & 0xff, value & 0xff);
    }
}
