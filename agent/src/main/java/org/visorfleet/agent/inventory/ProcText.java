package org.visorfleet.agent.inventory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Pure parsers for the Linux texts {@link InventoryCollector} reads: no files, no exceptions. Each
 * takes the text (or bytes) as read and returns a neutral value (empty, 0) for anything it cannot
 * parse, so a truncated or unexpected file degrades one field, never the whole inventory.
 */
final class ProcText {
    /** {@code struct utmp} on glibc x86-64 and aarch64 (little-endian). */
    static final int UTMP_RECORD = 384;

    static final int UTMP_USER_PROCESS = 7;
    private static final int UTMP_LINE_OFFSET = 8;
    private static final int UTMP_LINE_LENGTH = 32;

    /* Only plain decimals: Double.parseDouble would also take "NaN", "Infinity", "0x1p3", "1d". */
    private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,18}(\\.[0-9]{1,9})?");

    private ProcText() {}

    /**
     * {@code PRETTY_NAME} from os-release(5): {@code KEY=value}, value optionally in single or
     * double quotes with backslash escapes inside double quotes.
     */
    static Optional<String> prettyName(String osRelease) {
        for (String line : osRelease.lines().toList()) {
            String trimmed = line.strip();
            if (!trimmed.startsWith("PRETTY_NAME=")) {
                continue;
            }
            String value = unquote(trimmed.substring("PRETTY_NAME=".length()));
            return value.isBlank() ? Optional.empty() : Optional.of(value);
        }
        return Optional.empty();
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && value.startsWith("'") && value.endsWith("'")) {
            return value.substring(1, value.length() - 1);
        }
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            StringBuilder out = new StringBuilder();
            for (int i = 1; i < value.length() - 1; i++) {
                char c = value.charAt(i);
                if (c == '\\' && i + 1 < value.length() - 1) {
                    c = value.charAt(++i);
                }
                out.append(c);
            }
            return out.toString();
        }
        // An unbalanced quote is a broken file: keep the text rather than guess.
        return value;
    }

    /** The first line, stripped, if not blank: {@code /proc/sys/kernel/osrelease}, {@code hostname}. */
    static Optional<String> firstLine(String text) {
        return text.lines().findFirst().map(String::strip).filter(s -> !s.isEmpty());
    }

    /** The one-minute load from {@code /proc/loadavg} ({@code "0.52 0.58 0.59 1/389 12345"}). */
    static double load1(String loadavg) {
        return firstField(loadavg)
                .map(ProcText::parseDouble)
                .filter(d -> d >= 0 && Double.isFinite(d))
                .orElse(0.0);
    }

    /** Whole seconds since boot from {@code /proc/uptime} ({@code "7170.28 5334.36"}). */
    static long uptimeSeconds(String uptime) {
        return firstField(uptime)
                .map(ProcText::parseDouble)
                .filter(d -> d >= 0 && d < Long.MAX_VALUE)
                .map(d -> (long) d.doubleValue())
                .orElse(0L);
    }

    /** Total and available memory in bytes. */
    record Memory(long totalBytes, long availableBytes) {}

    /**
     * {@code MemTotal} and {@code MemAvailable} from {@code /proc/meminfo}, kB (KiB really) converted
     * to bytes. Kernels before 3.14 have no {@code MemAvailable}; {@code MemFree} stands in.
     */
    static Memory memory(String meminfo) {
        long total = -1;
        long available = -1;
        long free = -1;
        for (String line : meminfo.lines().toList()) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            long bytes = kilobytes(line.substring(colon + 1));
            switch (line.substring(0, colon)) {
                case "MemTotal" -> total = bytes;
                case "MemAvailable" -> available = bytes;
                case "MemFree" -> free = bytes;
                default -> {}
            }
        }
        long avail = available >= 0 ? available : free;
        return new Memory(Math.max(total, 0), Math.max(avail, 0));
    }

    /** {@code "   24682416 kB"} in bytes, or -1. */
    private static long kilobytes(String value) {
        String[] parts = value.strip().split("\\s+");
        if (parts.length == 0 || (parts.length > 1 && !parts[1].equals("kB"))) {
            return -1;
        }
        try {
            long kb = Long.parseLong(parts[0]);
            return kb < 0 ? -1 : Math.multiplyExact(kb, 1024L);
        } catch (NumberFormatException | ArithmeticException e) {
            return -1; // Not a number or absurdly large: treated as absent.
        }
    }

    /**
     * The terminal lines ({@code "pts/0"}, {@code "tty2"}, relative to {@code /dev}) of the
     * {@code USER_PROCESS} entries in a utmp file. A partial last record is ignored; lines that are
     * not a device path (X displays such as {@code ":0"}, anything with {@code ".."}) are skipped.
     */
    static List<String> utmpTtys(byte[] utmp) {
        List<String> ttys = new ArrayList<>();
        ByteBuffer buf = ByteBuffer.wrap(utmp).order(ByteOrder.LITTLE_ENDIAN);
        for (int at = 0; at + UTMP_RECORD <= utmp.length; at += UTMP_RECORD) {
            if (buf.getShort(at) != UTMP_USER_PROCESS) {
                continue;
            }
            int start = at + UTMP_LINE_OFFSET;
            int end = start;
            while (end < start + UTMP_LINE_LENGTH && utmp[end] != 0) {
                end++;
            }
            String line = new String(utmp, start, end - start, StandardCharsets.US_ASCII);
            if (isDeviceName(line)) {
                ttys.add(line);
            }
        }
        return ttys;
    }

    /** The {@code TTY=} of a systemd-logind session file ({@code /run/systemd/sessions/<id>}). */
    static Optional<String> sessionTty(String session) {
        return session.lines()
                .filter(l -> l.startsWith("TTY="))
                .map(l -> l.substring("TTY=".length()).strip())
                .filter(ProcText::isDeviceName)
                .findFirst();
    }

    static boolean isDeviceName(String line) {
        return !line.isEmpty() && !line.contains(":") && !line.contains("..") && !line.startsWith("/");
    }

    private static Optional<String> firstField(String text) {
        String stripped = text.strip();
        if (stripped.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(stripped.split("\\s+", 2)[0]);
    }

    private static Double parseDouble(String s) {
        if (!DECIMAL.matcher(s).matches()) {
            return -1.0;
        }
        return Double.parseDouble(s);
    }
}
