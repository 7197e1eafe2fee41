package org.visorfleet.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visorfleet.server.pxe.DnsmasqConfig;
import org.visorfleet.server.pxe.Ipv4Address;

/**
 * {@code visorfleet pxe dnsmasq-config} as an administrator runs it: the configuration on stdout
 * (exactly what {@link DnsmasqConfig} renders, so its tests cover the content), and bad input
 * refused with one line on stderr and exit status 2.
 */
class PxeCliTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern STACK_FRAME = Pattern.compile("(?m)^\\s+at \\S+\\(.*\\)$");

    @TempDir
    Path dir;

    private CliProcess.Result run(String... args) throws Exception {
        return CliProcess.run(dir, TIMEOUT, args);
    }

    @Test
    void printsTheConfigurationForEitherMode() throws Exception {
        CliProcess.Result range = run(
                "pxe",
                "dnsmasq-config",
                "--server-ip",
                "10.77.1.1",
                "--range",
                "10.77.1.100,10.77.1.199",
                "--interface",
                "eth1",
                "--lease-time",
                "2h",
                "--boot-http-port",
                "8081");
        assertEquals(0, range.exit(), range::toString);
        DnsmasqConfig expected = DnsmasqConfig.range(
                Ipv4Address.parse("10.77.1.1"),
                new DnsmasqConfig.Range(
                        Ipv4Address.parse("10.77.1.100"),
                        Ipv4Address.parse("10.77.1.199"),
                        Ipv4Address.parse("255.255.255.0"),
                        "2h"),
                8081,
                Optional.of("eth1"),
                "/usr/lib/ipxe");
        assertEquals(expected.render(), range.stdout());

        CliProcess.Result proxy = run("pxe", "dnsmasq-config", "--server-ip", "192.168.10.5", "--proxy");
        assertEquals(0, proxy.exit(), proxy::toString);
        assertEquals(
                DnsmasqConfig.proxy(Ipv4Address.parse("192.168.10.5"), 8080, Optional.empty(), "/usr/lib/ipxe")
                        .render(),
                proxy.stdout());
    }

    @Test
    void badInputIsOneLineAndStatusTwo() throws Exception {
        assertRefused(
                "not an IPv4 address: 'bootserver.lan'",
                "--server-ip",
                "bootserver.lan",
                "--range",
                "10.77.1.100,10.77.1.199");
        // The library's checks (DnsmasqConfigTest has them all) reach the administrator the same way.
        assertRefused(
                "contains the server's own address 10.77.1.150",
                "--server-ip",
                "10.77.1.150",
                "--range",
                "10.77.1.100,10.77.1.199");
        assertRefused("--range needs FROM,TO", "--server-ip", "10.77.1.1", "--range", "10.77.1.100");
        assertRefused(
                "--lease-time applies to --range only", "--server-ip", "10.77.1.1", "--proxy", "--lease-time", "1h");
    }

    @Test
    void proxyAndRangeAreExclusiveAndOneIsRequired() throws Exception {
        CliProcess.Result both =
                run("pxe", "dnsmasq-config", "--server-ip", "10.77.1.1", "--proxy", "--range", "10.77.1.2,10.77.1.9");
        assertEquals(2, both.exit(), both::toString);
        assertTrue(both.stderr().contains("mutually exclusive"), both::toString);
        CliProcess.Result neither = run("pxe", "dnsmasq-config", "--server-ip", "10.77.1.1");
        assertEquals(2, neither.exit(), neither::toString);
        assertTrue(neither.stderr().contains("(--proxy | --range=FROM,TO)"), neither::toString);
        assertTrue(neither.stdout().isEmpty(), neither::toString);
    }

    private void assertRefused(String text, String... options) throws Exception {
        String[] args = new String[options.length + 2];
        args[0] = "pxe";
        args[1] = "dnsmasq-config";
        System.arraycopy(options, 0, args, 2, options.length);
        CliProcess.Result result = run(args);
        assertEquals(2, result.exit(), result::toString);
        String err = result.stderr().strip();
        assertFalse(err.contains("\n"), () -> "more than one line:\n" + result);
        assertFalse(STACK_FRAME.matcher(result.stderr()).find(), result::toString);
        assertTrue(err.startsWith("visorfleet pxe dnsmasq-config: "), result::toString);
        assertTrue(err.contains(text), () -> "expected '" + text + "':\n" + result);
        assertTrue(result.stdout().isEmpty(), result::toString);
    }
}
