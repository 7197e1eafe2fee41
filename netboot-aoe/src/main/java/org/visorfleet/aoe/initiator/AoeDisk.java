package org.visorfleet.aoe.initiator;

import static org.visorfleet.aoe.codec.AtaCommands.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.visorfleet.aoe.codec.AoeCommand;
import org.visorfleet.aoe.codec.AoeError;
import org.visorfleet.aoe.codec.AoeFrame;
import org.visorfleet.aoe.codec.AoeHeader;
import org.visorfleet.aoe.codec.AtaIdentify;
import org.visorfleet.aoe.codec.AtaMessage;

/**
 * One remote AoE disk seen through an {@link AoeInitiator}: IDENTIFY, and reads/writes split into
 * one-frame requests with up to {@code window} in flight, each re-sent after {@link #timeout()} and
 * abandoned (IOException) after {@link #attempts()} tries.
 *
 * <p>Not thread-safe: one transfer at a time per AoeDisk (open several for parallel streams).
 */
public final class AoeDisk {
    private static final int SECTOR = 512;

    private final AoeInitiator initiator;
    private final AoeInitiator.Discovered target;
    private final AtaIdentify.Identity identity;
    private final int maxSectors;
    private Duration timeout = Duration.ofMillis(250);
    private int attempts = 8;

    private AoeDisk(AoeInitiator initiator, AoeInitiator.Discovered target, AtaIdentify.Identity identity) {
        this.initiator = initiator;
        this.target = target;
        this.identity = identity;
        int advertised =
                target.config().sectorCount() == 0 ? 2 : target.config().sectorCount();
        this.maxSectors =
                Math.max(1, Math.min(advertised, (initiator.transport().mtu() - 22) / SECTOR));
    }

    static AoeDisk open(AoeInitiator initiator, AoeInitiator.Discovered target) throws IOException {
        AoeDisk probe = new AoeDisk(initiator, target, null);
        AoeFrame reply = probe.command(AtaMessage.of(0, 0, 1, IDENTIFY_DEVICE, 0));
        AtaMessage ata = (AtaMessage) reply.message();
        return new AoeDisk(initiator, target, AtaIdentify.parse(ata.data()));
    }

    public AtaIdentify.Identity identity() {
        return identity;
    }

    public long sectorCount() {
        return identity.sectors();
    }

    public AoeInitiator.Discovered target() {
        return target;
    }

    /** Sectors per request: the smaller of the target's advertised limit and our MTU's. */
    public int maxSectorsPerRequest() {
        return maxSectors;
    }

    public Duration timeout() {
        return timeout;
    }

    public int attempts() {
        return attempts;
    }

    public AoeDisk withRetransmit(Duration timeout, int attempts) {
        this.timeout = timeout;
        this.attempts = attempts;
        return this;
    }

    /** One ATA command, with retransmission; returns the reply after checking AoE and ATA status. */
    public AoeFrame command(AtaMessage request) throws IOException {
        AoeFrame reply = initiator.exchange(frame(initiator.newTag(), request), timeout, attempts);
        check(reply, request);
        return reply;
    }

    public void flush() throws IOException {
        command(AtaMessage.of(0, 0, 0, FLUSH_CACHE, 0)); // 0xE7: vblade aborts the EXT form
    }

    /** Reads {@code dst.remaining()} bytes (whole sectors) from {@code lba}, {@code window} requests in flight. */
    public void read(long lba, ByteBuffer dst, int window) throws IOException {
        transfer(lba, dst, window, false);
    }

    /** Writes {@code src.remaining()} bytes (whole sectors) at {@code lba}, {@code window} requests in flight. */
    public void write(long lba, ByteBuffer src, int window) throws IOException {
        transfer(lba, src, window, true);
    }

    private record InFlight(long lba, int sectors, int offset, AoeFrame frame, long sentAt, int tries) {
        InFlight resent(long now) {
            return new InFlight(lba, sectors, offset, frame, now, tries + 1);
        }
    }

    private void transfer(long lba, ByteBuffer buf, int window, boolean write) throws IOException {
        if (buf.remaining() % SECTOR != 0 || window < 1) {
            throw new IllegalArgumentException("transfer of " + buf.remaining() + " bytes, window " + window);
        }
        int base = buf.position();
        long totalSectors = buf.remaining() / SECTOR;
        LinkedBlockingQueue<AoeFrame> replies = new LinkedBlockingQueue<>();
        Map<Integer, InFlight> inFlight = new HashMap<>();
        ArrayDeque<Integer> order = new ArrayDeque<>();
        long issued = 0;
        long done = 0;
        try {
            while (done < totalSectors) {
                while (inFlight.size() < window && issued < totalSectors) {
                    int n = (int) Math.min(maxSectors, totalSectors - issued);
                    int offset = base + (int) issued * SECTOR;
                    int tag = initiator.newTag();
                    AtaMessage req = write
                            ? new AtaMessage(
                                    AtaMessage.AFLAG_EXTENDED | AtaMessage.AFLAG_WRITE,
                                    0,
                                    n,
                                    WRITE_SECTORS_EXT,
                                    lba + issued,
                                    buf.slice(offset, n * SECTOR))
                            : AtaMessage.of(AtaMessage.AFLAG_EXTENDED, 0, n, READ_SECTORS_EXT, lba + issued);
                    AoeFrame f = frame(tag, req);
                    initiator.register(tag, replies);
                    initiator.send(f);
                    inFlight.put(tag, new InFlight(lba + issued, n, offset, f, System.nanoTime(), 1));
                    order.add(tag);
                    issued += n;
                }
                AoeFrame reply = replies.poll(waitNanos(inFlight, order), TimeUnit.NANOSECONDS);
                if (reply != null) {
                    InFlight req = inFlight.remove(reply.header().tag());
                    if (req == null) {
                        continue; // duplicate reply to a retransmitted request
                    }
                    initiator.unregister(reply.header().tag());
                    order.remove(reply.header().tag());
                    check(reply, (AtaMessage) req.frame().message());
                    if (!write) {
                        ByteBuffer data = ((AtaMessage) reply.message()).data();
                        if (data.remaining() < req.sectors() * SECTOR) {
                            throw new IOException(
                                    "short read reply at LBA " + req.lba() + ": " + data.remaining() + " bytes");
                        }
                        buf.put(req.offset(), data, data.position(), req.sectors() * SECTOR);
                    }
                    done += req.sectors();
                } else {
                    retransmitExpired(inFlight, order);
                }
            }
            buf.position(buf.limit());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted during AoE transfer", e);
        } finally {
            inFlight.keySet().forEach(initiator::unregister);
        }
    }

    private long waitNanos(Map<Integer, InFlight> inFlight, ArrayDeque<Integer> order) {
        InFlight oldest = inFlight.get(order.peekFirst());
        return Math.max(0, oldest.sentAt() + timeout.toNanos() - System.nanoTime());
    }

    private void retransmitExpired(Map<Integer, InFlight> inFlight, ArrayDeque<Integer> order) throws IOException {
        long now = System.nanoTime();
        for (int i = order.size(); i > 0; i--) {
            Integer tag = order.pollFirst();
            InFlight f = inFlight.get(tag);
            if (now - f.sentAt() >= timeout.toNanos()) {
                if (f.tries() >= attempts) {
                    throw new IOException("no reply from " + target.address() + " for LBA " + f.lba() + " after "
                            + attempts + " attempts of " + timeout.toMillis() + " ms");
                }
                initiator.countRetransmit();
                initiator.send(f.frame());
                f = f.resent(now);
                inFlight.put(tag, f);
            }
            order.addLast(tag); // keeps order sorted by send time: resent frames move to the back
        }
    }

    private AoeFrame frame(int tag, AtaMessage request) {
        AoeHeader h = AoeHeader.request(
                target.mac(), initiator.localMac(), target.shelf(), target.slot(), AoeCommand.ATA, tag);
        return new AoeFrame(h, request);
    }

    private void check(AoeFrame reply, AtaMessage request) throws IOException {
        if (reply.header().isError()) {
            String name =
                    AoeError.fromCode(reply.header().error()).map(Enum::name).orElse("unknown");
            throw new IOException(
                    target.address() + " answered AoE error " + reply.header().error() + " (" + name + ")");
        }
        if (!(reply.message() instanceof AtaMessage ata)) {
            throw new IOException(target.address() + " answered an ATA request with "
                    + reply.message().getClass().getSimpleName());
        }
        if ((ata.cmdStatus() & 0x01) != 0) {
            throw new AtaErrorException(request.cmdStatus(), ata.cmdStatus(), ata.errFeature(), request.lba());
        }
    }
}
