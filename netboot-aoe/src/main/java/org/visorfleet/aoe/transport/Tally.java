package org.visorfleet.aoe.transport;

import java.util.concurrent.atomic.LongAdder;

/** The live counters behind {@link TransportCounters}; updated once per batch, from any thread. */
final class Tally {
    final LongAdder received = new LongAdder();
    final LongAdder sent = new LongAdder();
    final LongAdder oversize = new LongAdder();
    final LongAdder runt = new LongAdder();
    final LongAdder notForUs = new LongAdder();
    final LongAdder droppedOnSend = new LongAdder();

    static void add(LongAdder counter, int n) {
        if (n != 0) {
            counter.add(n);
        }
    }

    TransportCounters snapshot() {
        return new TransportCounters(
                received.sum(), sent.sum(), oversize.sum(), runt.sum(), notForUs.sum(), droppedOnSend.sum());
    }
}
