package org.visorfleet.aoe.codec;

import java.util.List;

/**
 * The MAC Mask List argument (AoE r11 section 3.3).
 *
 * <pre>
 * offset size field
 * 24     1    reserved
 * 25     1    MCmd: 0 read, 1 edit
 * 26     1    MError: 0 none, 1 unspecified, 2 bad DCmd directive, 3 mask list full
 * 27     1    Dir Count
 * 28     8*n  directives: reserved(1) | DCmd(1: 0 none, 1 add, 2 delete) | MAC(6)
 * </pre>
 */
public record MacMaskMessage(int mcmd, int merror, List<Directive> directives) implements AoeMessage {
    public static final int ARG_SIZE = 4;
    public static final int DIRECTIVE_SIZE = 8;
    public static final int MCMD_READ = 0;
    public static final int MCMD_EDIT = 1;
    public static final int MERROR_UNSPECIFIED = 1;
    public static final int MERROR_BAD_DIRECTIVE = 2;
    public static final int MERROR_LIST_FULL = 3;
    public static final int DCMD_NONE = 0;
    public static final int DCMD_ADD = 1;
    public static final int DCMD_DELETE = 2;

    public MacMaskMessage {
        if ((mcmd | merror) >>> 8 != 0 || directives.size() > 255) {
            throw new IllegalArgumentException("MAC mask field out of range");
        }
        directives = List.copyOf(directives);
    }

    public record Directive(int dcmd, MacAddress mac) {
        public Directive {
            if (dcmd >>> 8 != 0) {
                throw new IllegalArgumentException("DCmd " + dcmd);
            }
        }
    }
}
