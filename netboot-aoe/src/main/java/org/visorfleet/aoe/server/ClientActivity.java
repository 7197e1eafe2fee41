package org.visorfleet.aoe.server;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.visorfleet.aoe.codec.MacAddress;

/**
 * What one client did with one export since the target started (or since the export was added): a
 * snapshot taken by {@link TargetExport#activity()}. Times have millisecond resolution.
 *
 * @param sectorsRead sectors read successfully (failed reads are not counted)
 * @param sectorsWritten sectors written successfully (refused and failed writes are not counted)
 * @param firstSeen when the client's first request reached this export
 * @param lastRequest when its latest request of any kind (ATA, Query Config, ...) reached this export
 * @param lastWrite when its latest successful write completed; empty if it never wrote
 */
public record ClientActivity(
        MacAddress client,
        long sectorsRead,
        long sectorsWritten,
        Instant firstSeen,
        Instant lastRequest,
        Optional<Instant> lastWrite) {
    public ClientActivity {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(firstSeen, "firstSeen");
        Objects.requireNonNull(lastRequest, "lastRequest");
        Objects.requireNonNull(lastWrite, "lastWrite");
    }
}
