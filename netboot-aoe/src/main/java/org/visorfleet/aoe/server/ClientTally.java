package org.visorfleet.aoe.server;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import org.visorfleet.aoe.codec.MacAddress;

/**
 * One client's live counters on one export, updated by the workers serving it: no lock and no
 * allocation per request (a {@link LongAdder} allocates its cells once, on first contention).
 * Times are epoch milliseconds; concurrent requests may store them slightly out of order, which
 * at worst makes a time a millisecond older than the newest request.
 */
final class ClientTally {
    private static final long NEVER = Long.MIN_VALUE;

    private final MacAddress client;
    private final long firstSeen;
    private final LongAdder sectorsRead = new LongAdder();
    private final LongAdder sectorsWritten = new LongAdder();
    private volatile long lastRequest;
    private volatile long lastWrite = NEVER;

    ClientTally(MacAddress client, long now) {
        this.client = client;
        this.firstSeen = now;
        this.lastRequest = now;
    }

    MacAddress client() {
        return client;
    }

    void request(long now) {
        if (now != lastRequest) { // most requests fall in the same millisecond: skip the store
            lastRequest = now;
        }
    }

    void read(int sectors) {
        sectorsRead.add(sectors);
    }

    void wrote(int sectors, long now) {
        sectorsWritten.add(sectors);
        if (now != lastWrite) {
            lastWrite = now;
        }
    }

    ClientActivity snapshot() {
        long written = lastWrite;
        return new ClientActivity(
                client,
                sectorsRead.sum(),
                sectorsWritten.sum(),
                Instant.ofEpochMilli(firstSeen),
                Instant.ofEpochMilli(lastRequest),
                written == NEVER ? Optional.empty() : Optional.of(Instant.ofEpochMilli(written)));
    }
}
