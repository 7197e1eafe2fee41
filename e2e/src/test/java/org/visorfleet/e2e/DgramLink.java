package org.visorfleet.e2e;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The two loopback UDP endpoints of one Ethernet-in-UDP link (QEMU {@code -netdev dgram}): the QEMU
 * client's and the target's. Each side sends its frames to the other's endpoint.
 */
record DgramLink(InetSocketAddress client, InetSocketAddress target) {

    /**
     * Picks two free loopback ports. They are free when this returns, not reserved: the processes
     * that bind them must start soon after (a clash shows up as a QEMU bind error, not a wrong test).
     */
    static DgramLink allocate() throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (DatagramSocket a = new DatagramSocket(0, loopback);
                DatagramSocket b = new DatagramSocket(0, loopback)) {
            return new DgramLink(
                    new InetSocketAddress(loopback, a.getLocalPort()),
                    new InetSocketAddress(loopback, b.getLocalPort()));
        }
    }

    /**
     * Links for {@code clients} QEMU clients that share one target endpoint: each client has its own
     * port, all send to the same target port (the target answers each at the datagram's source).
     * All ports are held open together while picking, so they are distinct.
     */
    static List<DgramLink> allocateSharedTarget(int clients) throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        List<DatagramSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i <= clients; i++) {
                sockets.add(new DatagramSocket(0, loopback));
            }
            InetSocketAddress target =
                    new InetSocketAddress(loopback, sockets.get(0).getLocalPort());
            List<DgramLink> links = new ArrayList<>();
            for (int i = 1; i <= clients; i++) {
                links.add(new DgramLink(
                        new InetSocketAddress(loopback, sockets.get(i).getLocalPort()), target));
            }
            return links;
        } finally {
            sockets.forEach(DatagramSocket::close);
        }
    }

    /** The link as the QEMU client sees it. */
    ClientLink.Dgram clientLink() {
        return new ClientLink.Dgram(client, target);
    }

    /** The link as the target sees it (local = target endpoint). */
    ClientLink.Dgram targetLink() {
        return new ClientLink.Dgram(target, client);
    }
}
