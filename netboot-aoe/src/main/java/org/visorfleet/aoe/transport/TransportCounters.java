package org.visorfleet.aoe.transport;

/**
 * A snapshot of a transport's frame counters since it was opened.
 *
 * @param received frames handed to callers by {@code receive}
 * @param sent frames the kernel accepted from {@code send}
 * @param droppedOversize received frames longer than the batch's slot (or the link MTU), which
 *     would otherwise have been delivered truncated
 * @param droppedRunt received frames (datagrams) shorter than an Ethernet header, 14 bytes
 * @param droppedNotForUs raw only: frames the kernel saw on a promiscuous link addressed to another
 *     host, or our own sends looped back on kernels without {@code PACKET_IGNORE_OUTGOING}
 * @param droppedOnSend frames the kernel refused for lack of buffer space ({@code ENOBUFS}, or the
 *     send buffer stayed full for the send timeout); AoE initiators retransmit
 */
public record TransportCounters(
        long received, long sent, long droppedOversize, long droppedRunt, long droppedNotForUs, long droppedOnSend) {

    /** Every frame dropped, in either direction. */
    public long droppedFrames() {
        return droppedOversize + droppedRunt + droppedNotForUs + droppedOnSend;
    }
}
