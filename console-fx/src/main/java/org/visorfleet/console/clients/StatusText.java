package org.visorfleet.console.clients;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * How the clients section writes statuses and times: a status is an icon and its word ("● online"),
 * so it reads without colour; the style class {@code status-WORD} only repeats it in colour.
 */
final class StatusText {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    private StatusText() {}

    /** e.g. {@code ● online}, {@code ⊘ revoked}; an unknown status as its bare word. */
    static String of(String status) {
        if (status == null) {
            return "";
        }
        return switch (status) {
            case "online" -> "● online";
            case "unreachable" -> "◐ unreachable";
            case "offline" -> "○ offline";
            case "revoked" -> "⊘ revoked";
            case "enrolled" -> "… enrolled";
            default -> status;
        };
    }

    /** The style class that colours a status, e.g. {@code status-online}. */
    static String styleClass(String status) {
        return "status-" + (status == null ? "unknown" : status);
    }

    /** Local date and time of epoch milliseconds, or "never" for null. */
    static String time(Long epochMillis) {
        return epochMillis == null ? "never" : TIME.format(Instant.ofEpochMilli(epochMillis));
    }
}
