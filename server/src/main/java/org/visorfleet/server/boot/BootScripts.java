package org.visorfleet.server.boot;

import java.net.URI;
import java.sql.SQLException;
import java.util.List;
import org.visorfleet.aoe.codec.MacAddress;
import org.visorfleet.aoe.ipxe.IpxeScript;

/**
 * Turns a {@link BootClients.Decision} into the iPXE script the machine runs:
 * <ul>
 *   <li>approved, with an export: {@code sanboot aoe:eS.L} (on failure: wait, ask again);
 *   <li>pending: a notice, then ask again every {@link #RETRY_SECONDS} s, so the machine boots
 *       as soon as an administrator approves it; after {@link #MAX_WAITS} tries it leaves iPXE and
 *       the firmware tries its next boot device;
 *   <li>approved without an export, or ignored: a notice, then leave iPXE.
 * </ul>
 */
public final class BootScripts {

    static final int RETRY_SECONDS = 10;
    /** Half an hour of waiting for approval, then the firmware's next boot device. */
    static final int MAX_WAITS = 180;

    private final BootClients clients;

    public BootScripts(BootClients clients) {
        this.clients = clients;
    }

    /**
     * The script for {@code mac}, asked from {@code remote}; {@code self} is this endpoint's URL as the
     * client reached it, {@code attempt} counts the client's consecutive requests (1 for the first).
     */
    public String scriptFor(MacAddress mac, String remote, URI self, int attempt) throws SQLException {
        return switch (clients.decide(mac, remote)) {
            case BootClients.Decision.Boot b ->
                IpxeScript.sanboot(
                        "visorfleet: " + b.name() + " boots " + b.export().image() + " v"
                                + b.export().version() + " from " + b.export().address(),
                        b.export().aoeAddress(),
                        retry(self, mac, 1),
                        RETRY_SECONDS);
            case BootClients.Decision.Pending p
            when attempt > MAX_WAITS ->
                IpxeScript.exit(
                        List.of("visorfleet: " + mac + " is still waiting for approval; trying the next boot device"));
            case BootClients.Decision.Pending p ->
                IpxeScript.waitAndRetry(
                        List.of(
                                "visorfleet: this computer (" + mac + ") is not approved for network boot yet.",
                                "visorfleet: an administrator can approve it:",
                                "visorfleet:   visorfleet boot approve --mac " + mac + " --group GROUP ...",
                                "visorfleet: asking again in " + RETRY_SECONDS + " s (try " + attempt + " of "
                                        + MAX_WAITS + ")"),
                        RETRY_SECONDS,
                        retry(self, mac, attempt + 1));
            case BootClients.Decision.Ignored i ->
                IpxeScript.exit(List.of("visorfleet: network boot is turned off for " + mac));
            case BootClients.Decision.NoExport n ->
                IpxeScript.exit(List.of("visorfleet: " + n.name() + " (" + mac + ") cannot boot: " + n.reason()));
        };
    }

    private static URI retry(URI self, MacAddress mac, int attempt) {
        return URI.create(self + "?mac=" + mac + (attempt > 1 ? "&attempt=" + attempt : ""));
    }
}
