package org.visorfleet.aoe.ipxe;

import java.net.URI;
import org.visorfleet.aoe.store.ExportAddress;

/**
 * iPXE scripts for network-booting clients. Everything a script shows is passed through
 * {@link #text}, and every URL is checked by {@link #url}: iPXE expands {@code ${...}} anywhere on a
 * line and splits commands on whitespace, so text from outside (names, MACs) must never carry
 * {@code $}, spaces in URLs or line breaks into a script.
 */
public final class IpxeScript {
    private IpxeScript() {}

    /**
     * Boots the AoE disk {@code export}; if that fails, says why and asks {@code retry} for a new
     * script after {@code retrySeconds}.
     */
    public static String sanboot(String banner, ExportAddress export, URI retry, int retrySeconds) {
        String san = "aoe:e" + export.shelf() + "." + export.slot();
        return """
                #!ipxe
                echo %s
                sanboot %s || goto failed
                :failed
                echo visorfleet: sanboot %s failed (${errno}); asking again in %d s
                sleep %d
                chain --replace --autofree %s
                """
                .formatted(text(banner), san, san, retrySeconds, retrySeconds, url(retry));
    }

    /** Shows {@code lines}, waits {@code seconds}, then asks {@code retry} for a new script. */
    public static String waitAndRetry(Iterable<String> lines, int seconds, URI retry) {
        StringBuilder sb = new StringBuilder("#!ipxe\n");
        for (String line : lines) {
            sb.append("echo ").append(text(line)).append('\n');
        }
        sb.append("sleep ").append(seconds).append('\n');
        sb.append("chain --replace --autofree ").append(url(retry)).append('\n');
        return sb.toString();
    }

    /** Shows {@code lines} and leaves iPXE, so the firmware tries its next boot device (e.g. the local disk). */
    public static String exit(Iterable<String> lines) {
        StringBuilder sb = new StringBuilder("#!ipxe\n");
        for (String line : lines) {
            sb.append("echo ").append(text(line)).append('\n');
        }
        sb.append("exit 1\n");
        return sb.toString();
    }

    /**
     * {@code s} made safe for an {@code echo} argument: printable ASCII only, no {@code $} (settings
     * expansion) and no {@code #}; anything else becomes {@code ?}; at most 200 characters.
     */
    public static String text(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && sb.length() < 200; i++) {
            char c = s.charAt(i);
            sb.append(c >= 0x20 && c < 0x7F && c != '$' && c != '#' ? c : '?');
        }
        String out = sb.toString().strip();
        return out.isEmpty() ? "-" : out;
    }

    /** {@code u} as one script token: http(s) only, no whitespace, no {@code $}. */
    static String url(URI u) {
        String s = u.toASCIIString();
        if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || s.matches(".*[\\s$].*")) {
            throw new IllegalArgumentException("not a safe iPXE URL: " + s);
        }
        return s;
    }
}
