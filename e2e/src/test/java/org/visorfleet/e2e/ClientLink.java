package org.visorfleet.e2e;

import java.net.InetSocketAddress;

/** How a QEMU client's NIC reaches the AoE target: the {@code -netdev} backend. */
sealed interface ClientLink {

    /** The {@code -netdev} option value for this link, with QEMU id {@code id}. */
    String netdev(String id);

    /** Raw Ethernet through a host tap interface (needs root to create; see {@link TapInterface}). */
    record Tap(String ifname) implements ClientLink {
        @Override
        public String netdev(String id) {
            return "tap,id=" + id + ",ifname=" + ifname + ",script=no,downscript=no";
        }
    }

    /**
     * Ethernet-in-UDP (QEMU 7.2+ {@code dgram}): each frame is one datagram, sent from {@code local}
     * to {@code remote}; no root, no host interface.
     */
    record Dgram(InetSocketAddress local, InetSocketAddress remote) implements ClientLink {
        @Override
        public String netdev(String id) {
            return "dgram,id=" + id
                    + ",local.type=inet,local.host=" + local.getHostString() + ",local.port=" + local.getPort()
                    + ",remote.type=inet,remote.host=" + remote.getHostString() + ",remote.port=" + remote.getPort();
        }
    }
}
