package org.visorfleet.e2e;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.visorfleet.aoe.testing.Prerequisites;

/**
 * A persistent host tap interface with a unique {@code vft…} name, up, IPv6 off (so the host sends
 * no router solicitations into the test link), deleted on {@link #close}. QEMU attaches to it with
 * {@link ClientLink.Tap}; a target on the host (vblade) listens on it like on any Ethernet port.
 */
final class TapInterface implements Closeable {
    private static final Duration IP_TIMEOUT = Duration.ofSeconds(10);
    private final String name;
    private final String ip;

    private TapInterface(String name, String ip) {
        this.name = name;
        this.ip = ip;
    }

    /** Needs root; gated through {@link Prerequisites}. */
    static TapInterface create() throws IOException, InterruptedException {
        Prerequisites.root();
        String ip = Prerequisites.tool("ip").toString();
        String name = uniqueName("vft");
        Commands.run(IP_TIMEOUT, ip, "tuntap", "add", "dev", name, "mode", "tap");
        TapInterface tap = new TapInterface(name, ip);
        try {
            Path ipv6 = Path.of("/proc/sys/net/ipv6/conf", name, "disable_ipv6");
            if (Files.exists(ipv6)) {
                Files.writeString(ipv6, "1");
            }
            Commands.run(IP_TIMEOUT, ip, "link", "set", "dev", name, "up");
            return tap;
        } catch (IOException | RuntimeException e) {
            tap.close();
            throw e;
        }
    }

    /** {@code prefix} plus random base-36 characters, 15 characters at most (IFNAMSIZ - 1). */
    static String uniqueName(String prefix) {
        StringBuilder sb = new StringBuilder(prefix);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (sb.length() < 12) {
            sb.append(Character.forDigit(random.nextInt(36), 36));
        }
        return sb.toString();
    }

    String name() {
        return name;
    }

    @Override
    public void close() throws IOException {
        try {
            Commands.run(IP_TIMEOUT, ip, "link", "del", "dev", name);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while deleting " + name + "; remove it with: ip link del " + name, e);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
