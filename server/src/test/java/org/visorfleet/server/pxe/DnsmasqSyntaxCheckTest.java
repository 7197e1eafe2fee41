package org.visorfleet.server.pxe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visorfleet.aoe.testing.Prerequisites;

/**
 * The real {@code dnsmasq --test --conf-file=FILE} accepts what {@link DnsmasqConfig} renders, in
 * both modes, with and without an interface; and rejects a file with one bad line, so a passing
 * check means something.
 */
@Tag("interop")
class DnsmasqSyntaxCheckTest {

    @TempDir
    Path dir;

    record Check(int exit, String output) {}

    private Check check(String config) throws IOException, InterruptedException {
        Path dnsmasq = Prerequisites.tool("dnsmasq");
        Path file = Files.createTempFile(dir, "dnsmasq-", ".conf");
        Files.writeString(file, config);
        Process process = new ProcessBuilder(dnsmasq.toString(), "--test", "--conf-file=" + file)
                .redirectErrorStream(true)
                .start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("dnsmasq --test still running after 10 s");
        }
        return new Check(process.exitValue(), output);
    }

    private void assertAccepted(DnsmasqConfig config) throws IOException, InterruptedException {
        String text = config.render();
        Check result = check(text);
        assertEquals(0, result.exit(), () -> result.output() + "\n" + text);
        assertTrue(result.output().contains("syntax check OK"), result::output);
    }

    @Test
    void rangeModeIsValidDnsmasq() throws Exception {
        assertAccepted(DnsmasqConfigTest.rangeExample());
        assertAccepted(DnsmasqConfig.range(
                DnsmasqConfigTest.SERVER,
                DnsmasqConfigTest.range("10.77.1.2", "10.77.1.254"),
                65535,
                Optional.empty(),
                "/srv/tftp root"));
    }

    @Test
    void proxyModeIsValidDnsmasq() throws Exception {
        assertAccepted(DnsmasqConfigTest.proxyExample());
        assertAccepted(DnsmasqConfig.proxy(DnsmasqConfigTest.SERVER, 1, Optional.of("br-boot.10"), "/usr/lib/ipxe"));
    }

    @Test
    void theCheckRejectsABrokenLine() throws Exception {
        Check result = check(DnsmasqConfigTest.proxyExample().render() + "dhcp-range=10.77.1.1,nonsense\n");
        assertNotEquals(0, result.exit(), result::output);
    }
}
