package org.visorfleet.aoe.store;

import java.time.Instant;
import org.visorfleet.aoe.codec.MacAddress;

/**
 * One client's overlay as {@link OverlayDirectory#list} reports it.
 *
 * @param allocatedBytes bytes of the disk the client has written (allocated sectors × 512)
 * @param fileBytesOnDisk space the sparse overlay file takes on disk, or -1 if the platform cannot tell
 * @param lastWrite modification time of the overlay file
 */
public record OverlaySummary(
        ExportAddress export, MacAddress client, long allocatedBytes, long fileBytesOnDisk, Instant lastWrite)
        implements Comparable<OverlaySummary> {
    @Override
    public int compareTo(OverlaySummary o) {
        int c = export.compareTo(o.export);
        return c != 0 ? c : client.compareTo(o.client);
    }
}
