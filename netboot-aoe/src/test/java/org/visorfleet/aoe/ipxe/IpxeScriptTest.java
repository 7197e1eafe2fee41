package org.visorfleet.aoe.ipxe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.visorfleet.aoe.store.ExportAddress;

class IpxeScriptTest {
    static final URI RETRY = URI.create("http://10.0.0.1:8080/boot/ipxe?mac=52:54:00:12:34:56");

    @Test
    void sanbootScriptBootsTheExportAndRetriesOnFailure() {
        assertEquals(
                """
                #!ipxe
                echo visorfleet: pc-1 boots desk v2 from e1.3
                sanboot aoe:e1.3 || goto failed
                :failed
                echo visorfleet: sanboot aoe:e1.3 failed (${errno}); asking again in 10 s
                sleep 10
                chain --replace --autofree http://10.0.0.1:8080/boot/ipxe?mac=52:54:00:12:34:56
                """,
                IpxeScript.sanboot("visorfleet: pc-1 boots desk v2 from e1.3", new ExportAddress(1, 3), RETRY, 10));
    }

    @Test
    void textCannotInjectExpansionsCommandsOrLines() {
        assertEquals("a ?{net0/mac} ?b??c", IpxeScript.text("a ${net0/mac} #b\n\tc"));
        assertEquals("-", IpxeScript.text("   "));
        assertEquals(200, IpxeScript.text("x".repeat(500)).length());
        SplittableRandom random = new SplittableRandom(20261122);
        for (int i = 0; i < 10_000; i++) {
            StringBuilder sb = new StringBuilder();
            for (int n = random.nextInt(64); n > 0; n--) {
                sb.append((char) random.nextInt(0x3000));
            }
            String safe = IpxeScript.text(sb.toString());
            assertTrue(safe.chars().allMatch(c -> c >= 0x20 && c < 0x7F && c != '$' && c != '#'), safe);
        }
    }

    @Test
    void exitAndWaitScriptsEchoEveryLine() {
        String exit = IpxeScript.exit(List.of("one", "two $x"));
        assertEquals("#!ipxe\necho one\necho two ?x\nexit 1\n", exit);
        String wait = IpxeScript.waitAndRetry(List.of("waiting"), 5, RETRY);
        assertTrue(wait.contains("sleep 5\nchain --replace --autofree " + RETRY + "\n"), wait);
    }

    @Test
    void unsafeUrlsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> IpxeScript.url(URI.create("ftp://x/y")));
        assertThrows(
                IllegalArgumentException.class,
                () -> IpxeScript.url(URI.create("http://x/$%7Bevil%7D").resolve("$x")));
        assertFalse(IpxeScript.url(RETRY).contains(" "));
    }
}
