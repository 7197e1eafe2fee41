package org.visorfleet.server;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Names of users, groups and clients. Client names double as SSH host names ({@code ssh -J tech@server
 * user@NAME}), so they are DNS labels: lower-case letters, digits and inner hyphens, at most 63.
 */
public final class Names {

    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern USER = Pattern.compile("[a-z][a-z0-9._-]{0,63}");

    private Names() {}

    public static String requireUser(String name) {
        if (name == null || !USER.matcher(name).matches()) {
            throw Refusal.invalid("user name must match [a-z][a-z0-9._-]{0,63}: " + quote(name));
        }
        return name;
    }

    public static String requireLabel(String what, String name) {
        if (name == null || !LABEL.matcher(name).matches()) {
            throw Refusal.invalid(what + " name must be a DNS label (a-z, 0-9, inner '-', at most 63): " + quote(name));
        }
        return name;
    }

    /** A DNS label derived from a host name the desktop reported: "LAB-PC_07.corp" → "lab-pc-07". */
    public static String labelFromHostname(String hostname) {
        String first = hostname == null ? "" : hostname.split("\\.", 2)[0];
        String label =
                first.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+)|(-+$)", "");
        if (label.length() > 55) {
            label = label.substring(0, 55).replaceAll("-+$", "");
        }
        return label.isEmpty() ? "client" : label;
    }

    private static String quote(String s) {
        if (s == null) {
            return "(missing)";
        }
        String shown = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return "\"" + shown.replaceAll("\\p{Cntrl}", "?") + "\"";
    }
}
