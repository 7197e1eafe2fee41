package org.visorfleet.server.pxe;

import java.util.List;

/**
 * Writes a {@link DnsmasqConfig} as a dnsmasq configuration file: blocks of {@code # } comment lines
 * followed by the directives they explain, separated by blank lines. dnsmasq reads one option per
 * line, {@code name=value}, exactly as on its command line without the leading {@code --}.
 *
 * <p>Why the directives are these (dnsmasq 2.90 source and man page, checked in QEMU):
 *
 * <ul>
 *   <li>Range mode selects the boot file with {@code dhcp-boot} and tags. dnsmasq keeps the
 *       {@code dhcp-boot} lines in a list and sends the first whose tags all match, so the tag sets
 *       are made mutually exclusive and the order of the lines does not matter.
 *   <li>Proxy mode must use {@code pxe-service}: PXE firmware takes its boot file from a PXE boot
 *       menu (or, for UEFI clients with one menu entry, from the proxy reply on port 4011, which
 *       dnsmasq fills in itself). iPXE clients get a menu entry too, whose "file name" is the boot
 *       script URL (dnsmasq sends a name containing a dot as it is, without the ".0" layer suffix):
 *       Debian's BIOS iPXE ignored the same URL given by {@code dhcp-boot} in dnsmasq's proxy
 *       replies (it retried its ProxyDHCP request on port 4011 and stopped with "Nothing to boot").
 * </ul>
 */
final class DnsmasqConfigWriter {
    private final DnsmasqConfig config;
    private final StringBuilder out = new StringBuilder();

    DnsmasqConfigWriter(DnsmasqConfig config) {
        this.config = config;
    }

    String write() {
        header();
        block(
                """
                No DNS: this dnsmasq serves DHCP and TFTP only, so it cannot clash with a DNS server
                on this host, and it does not offer itself as DNS server to clients.""",
                "port=0");
        block(
                """
                Log every DHCP exchange (client MAC, architecture, tags, boot file sent): the first
                place to look when a client does not boot.""",
                "log-dhcp");
        config.iface()
                .ifPresent(iface -> block(
                        """
                        Serve only %s, the interface on the clients' segment, and bind to it alone, so
                        other DHCP servers on this host's other interfaces (libvirt's dnsmasq, say) keep
                        working."""
                                .formatted(iface),
                        "interface=" + iface,
                        "bind-interfaces"));
        switch (config.mode()) {
            case DnsmasqConfig.Proxy p -> proxy();
            case DnsmasqConfig.Range r -> range(r);
        }
        out.setLength(out.length() - 1); // the last block's separating blank line
        return out.toString();
    }

    private void header() {
        comment(
                """
                dnsmasq configuration for visorfleet network boot.
                Generated: edit the command, not this file. Regenerate with:
                  %s

                Boot chain: the client's PXE firmware asks DHCP for an address and a boot file, loads
                iPXE from this host by TFTP; iPXE asks DHCP again and is sent to its boot script,
                  %s
                on the visorfleet server, which boots the client's disk over ATA over Ethernet (AoE,
                layer 2: the server's AoE interface must be on this Ethernet segment, not routed).

                Run: dnsmasq --conf-file=THIS_FILE --keep-in-foreground   (docs/pxe.md)"""
                        .formatted(config.command(), config.bootScriptUrl()));
        out.append('\n');
    }

    private void range(DnsmasqConfig.Range range) {
        block(
                """
                Full DHCP server for an isolated boot network, leasing
                %s to %s, netmask %s, for %s.
                Never run this next to another DHCP server: use --proxy there."""
                        .formatted(range.from(), range.to(), range.netmask(), range.leaseTime()),
                "dhcp-range=" + range.from() + "," + range.to() + "," + range.netmask() + "," + range.leaseTime());
        block(
                """
                Authoritative: dnsmasq is the only DHCP server here, so a client whose lease it does not
                know (lease file lost, client moved from another network) is answered at once instead
                of waiting out its retries.""",
                "dhcp-authoritative");
        block(
                """
                No default gateway: booting needs none (TFTP, HTTP and AoE stay on this segment), and
                this host is not a router. If the network has one, replace this line with
                dhcp-option=option:router,ROUTER_IP""",
                "dhcp-option=option:router");
        tftp();
        clientTags(true);
        block(
                """
                iPXE (chainloaded below, or the NIC's own firmware): fetch this client's boot script.
                iPXE expands ${netX/mac} in the file name to the MAC of the interface it booted from
                (checked with Debian's iPXE 1.0.0+git-20190125 in QEMU, BIOS and UEFI: the client with
                MAC 52:54:00:56:46:07 requested /boot/ipxe?mac=52%3A54%3A00%3A56%3A46%3A07).""",
                "dhcp-boot=tag:ipxe," + config.bootScriptUrl());
        block(
                """
                BIOS PXE firmware: chainload iPXE. undionly.kpxe drives the NIC through the firmware's
                own UNDI driver, so it works with every NIC that can PXE boot.""",
                "dhcp-boot=tag:!ipxe,tag:bios," + DnsmasqConfig.BIOS_LOADER);
        block(
                """
                x86-64 UEFI firmware: chainload iPXE. snponly.efi drives the NIC through the firmware's
                SNP driver, as undionly.kpxe does with UNDI; ipxe.efi would bring its own drivers and
                fail on NICs it does not know. Debian's iPXE binaries are not signed for Secure Boot.
                Other clients (32-bit or ARM UEFI, UEFI HTTP boot) get no boot file and move on.""",
                "dhcp-boot=tag:!ipxe,tag:efi64," + DnsmasqConfig.UEFI_LOADER);
    }

    private void proxy() {
        block(
                """
                Proxy DHCP next to the network's existing DHCP server, which keeps assigning addresses:
                dnsmasq only adds boot information for PXE clients on the subnet of %s,
                and answers their boot server requests on UDP port 4011."""
                        .formatted(config.serverIp()),
                "dhcp-range=" + config.serverIp() + ",proxy");
        tftp();
        clientTags(false);
        String script = config.bootScriptUrl();
        block(
                """
                iPXE (chainloaded below, or the NIC's own firmware): a one-entry PXE boot menu whose
                file is this client's boot script; with one entry the client boots it at once. iPXE
                expands ${netX/mac} to the MAC of the interface it booted from. Checked in QEMU with
                Debian's iPXE 1.0.0+git-20190125: BIOS and UEFI clients fetch the script this way;
                given the URL by dhcp-boot instead, BIOS iPXE ignored dnsmasq's proxy replies and
                stopped with "Nothing to boot".
                x86-64_EFI and BC_EFI are client architectures 7 and 9 (dnsmasq versions disagree on
                which is which), both sent by x86-64 UEFI firmware.""",
                "pxe-service=tag:ipxe,x86PC,\"visorfleet boot script\"," + script,
                "pxe-service=tag:ipxe,x86-64_EFI,\"visorfleet boot script\"," + script,
                "pxe-service=tag:ipxe,BC_EFI,\"visorfleet boot script\"," + script);
        block(
                """
                PXE firmware: chainload iPXE by TFTP. BIOS gets undionly.kpxe (drives the NIC through
                the firmware's UNDI driver, so it works with every NIC that can PXE boot), x86-64 UEFI
                gets snponly.efi (the same through the firmware's SNP driver; Debian's binaries are not
                signed for Secure Boot). Other architectures get no menu entry and move on.""",
                "pxe-service=tag:!ipxe,x86PC,\"visorfleet network boot\"," + DnsmasqConfig.BIOS_LOADER,
                "pxe-service=tag:!ipxe,x86-64_EFI,\"visorfleet network boot\"," + DnsmasqConfig.UEFI_LOADER,
                "pxe-service=tag:!ipxe,BC_EFI,\"visorfleet network boot\"," + DnsmasqConfig.UEFI_LOADER);
    }

    private void tftp() {
        block(
                """
                TFTP server (read-only, nothing outside the root) for the iPXE loaders %s and
                %s in %s."""
                        .formatted(DnsmasqConfig.BIOS_LOADER, DnsmasqConfig.UEFI_LOADER, config.tftpRoot()),
                "enable-tftp",
                "tftp-root=" + config.tftpRoot());
    }

    private void clientTags(boolean byArchitecture) {
        if (!byArchitecture) {
            block(
                    """
                    Tell iPXE from PXE firmware: iPXE sends DHCP option 175 (its feature list).""",
                    "dhcp-match=set:ipxe,175");
            return;
        }
        block(
                """
                Tell the clients apart: iPXE sends DHCP option 175 (its feature list); PXE firmware
                names its architecture in option 93 (client-arch): 0 is x86 BIOS, 7 and 9 are both
                sent by x86-64 UEFI.""",
                "dhcp-match=set:ipxe,175",
                "dhcp-match=set:bios,option:client-arch,0",
                "dhcp-match=set:efi64,option:client-arch,7",
                "dhcp-match=set:efi64,option:client-arch,9");
    }

    private void block(String comment, String... directives) {
        comment(comment);
        for (String directive : List.of(directives)) {
            out.append(directive).append('\n');
        }
        out.append('\n');
    }

    private void comment(String text) {
        for (String line : text.split("\n", -1)) {
            out.append(line.isEmpty() ? "#" : "# " + line).append('\n');
        }
    }
}
