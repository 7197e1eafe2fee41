package org.visorfleet.aoe.server;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.visorfleet.aoe.store.ExportAddress;
import org.visorfleet.aoe.testing.MemoryBlockStore;
import org.visorfleet.aoe.testing.Prerequisites;
import org.visorfleet.aoe.testing.VethPair;
import org.visorfleet.aoe.transport.RawEthernetTransport;

/** aoetools' aoeping gets correct Query Config and IDENTIFY answers from our target on raw Ethernet. */
@Tag("interop")
class AoepingInteropTest {
    record Result(int exit, String output) {}

    static Result run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(15, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " hung");
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes()));
    }

    @Test
    void aoepingQueriesAndIdentifiesOurTarget() throws Exception {
        Path aoeping = Prerequisites.tool("aoeping");
        Prerequisites.root();
        try (VethPair veth = VethPair.create()) {
            RawEthernetTransport link = RawEthernetTransport.open(veth.b());
            AoeTarget target = new AoeTarget(
                    TargetConfig.of(link.localMac(), link.mtu()),
                    List.of(new TargetExport(
                            new ExportAddress(4, 2), new SharedStorage(new MemoryBlockStore(20480, false)))),
                    (e, c) -> {});
            try (TargetServer server = TargetServer.start(target, link, 1)) {
                String mac = link.localMac().toString().replace(":", "");

                Result query = run(aoeping.toString(), "-v", "-s", "5", "4", "2", veth.a());
                assertEquals(0, query.exit(), query.output());
                assertTrue(query.output().contains("found e4.2 with mac " + mac), query.output());

                Result identify = run(aoeping.toString(), "-s", "5", "-I", "4", "2", veth.a());
                assertEquals(0, identify.exit(), identify.output());
                assertTrue(identify.output().contains("model: visorfleet AoE e4.2"), identify.output());
                assertTrue(identify.output().contains("serial_number: VF00004002"), identify.output());
                assertTrue(identify.output().contains("firmware_rev: 0.1.0"), identify.output());

                // aoeping -i dumps the raw block: words 60-61 hold 20480 sectors (0x5000, little endian)
                Result raw = run(aoeping.toString(), "-s", "5", "-i", "4", "2", veth.a());
                assertEquals(0, raw.exit(), raw.output());
                String[] bytes =
                        raw.output().replaceAll("(?s).*?response:", "").trim().split("\\s+");
                assertEquals("00", bytes[120]);
                assertEquals("50", bytes[121]);

                Result absent = run(aoeping.toString(), "-s", "1", "4", "3", veth.a());
                assertNotEquals(0, absent.exit(), "no answer for an export that does not exist");
                assertEquals(0, server.target().count(AoeTarget.Counter.MALFORMED));
            }
        }
    }
}
