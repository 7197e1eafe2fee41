package org.visorfleet.console.boot;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Locale;

/** The boot service's rows as the API gives them ({@code docs/api.md}, "Boot"), read from its JSON. */
final class BootRows {

    private static final ObjectMapper JSON = new ObjectMapper();

    private BootRows() {}

    /** An AoE export: {@code address} is {@code eSHELF.SLOT}; {@code problem} says why it is not served. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Export(
            String address,
            String image,
            int version,
            long sizeBytes,
            List<String> groups,
            boolean served,
            String problem,
            String createdBy) {}

    /** One client's copy-on-write overlay of an export; times in epoch ms, {@code lastRequest} may be null. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Overlay(
            String export,
            String client,
            long writtenBytes,
            long fileBytesOnDisk,
            long lastWrite,
            long sectorsRead,
            long sectorsWritten,
            Long lastRequest) {}

    /** A network-booting machine: {@code status} is pending, approved or ignored. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Machine(
            String mac, String status, String name, String group, String client, String lastAddress, long boots) {}

    /** {@code bytes} as B, KiB, MiB or GiB. */
    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
