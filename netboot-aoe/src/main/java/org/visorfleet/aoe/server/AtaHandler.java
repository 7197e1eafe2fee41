package org.visorfleet.aoe.server;

import static org.visorfleet.aoe.codec.AtaCommands.*;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import org.visorfleet.aoe.codec.AoeCodec;
import org.visorfleet.aoe.codec.AoeError;
import org.visorfleet.aoe.codec.AoeHeader;
import org.visorfleet.aoe.codec.AtaMessage;
import org.visorfleet.aoe.server.AoeTarget.Counter;
import org.visorfleet.aoe.store.BlockStore;
import org.visorfleet.aoe.store.ReadOnlyStoreException;
import org.visorfleet.aoe.transport.FrameBatch;

/**
 * Executes one ATA command against the requesting client's store and writes the reply straight into
 * the outgoing batch slot (read data goes from the store into the frame with no intermediate copy).
 *
 * <p>Errors: a transfer larger than a frame or a write with too little payload is an AoE error 2
 * (the request itself is malformed); a missing sector is ATA status 0x41 with IDNF; an unknown ATA
 * command or a refused write is 0x41 with ABRT; a failed read is 0x41 with UNC.
 */
final class AtaHandler {
    private AtaHandler() {}

    static void handle(
            AoeTarget target,
            AoeHeader h,
            AtaMessage m,
            TargetExport e,
            ClientTally client,
            SocketAddress peer,
            FrameBatch out) {
        if (!e.state().reservedFor(h.source())) {
            target.errorReply(h, e, AoeError.TARGET_RESERVED, peer, out);
            return;
        }
        switch (m.cmdStatus()) {
            case READ_SECTORS, READ_SECTORS_EXT -> read(target, h, m, e, client, peer, out);
            case WRITE_SECTORS, WRITE_SECTORS_EXT -> write(target, h, m, e, client, peer, out);
            case IDENTIFY_DEVICE -> reply(target, h, m, e, STATUS_READY, 0, m.sectorCount(), e.identify(), peer, out);
            case FLUSH_CACHE, FLUSH_CACHE_EXT -> flush(target, h, m, e, peer, out);
            case CHECK_POWER_MODE -> reply(target, h, m, e, STATUS_READY, 0, POWER_ACTIVE, null, peer, out);
            default -> reply(target, h, m, e, STATUS_ERROR, ERROR_ABRT, m.sectorCount(), null, peer, out);
        }
    }

    private static void read(
            AoeTarget target,
            AoeHeader h,
            AtaMessage m,
            TargetExport e,
            ClientTally client,
            SocketAddress peer,
            FrameBatch out) {
        int count = effectiveCount(m.cmdStatus(), m.sectorCount());
        if (count > target.config().maxSectorsPerFrame()) {
            target.errorReply(h, e, AoeError.BAD_ARGUMENT, peer, out);
            return;
        }
        long lba = effectiveLba(m.cmdStatus(), m.lba());
        if (!inRange(e, lba, count)) {
            reply(target, h, m, e, STATUS_ERROR, ERROR_IDNF, m.sectorCount(), null, peer, out);
            return;
        }
        ByteBuffer b = out.claim(peer);
        writeHeaders(target, h, m, e, STATUS_READY, 0, m.sectorCount(), b);
        int length = AtaMessage.DATA_OFFSET + count * BlockStore.SECTOR_SIZE;
        try {
            e.storage().storeFor(h.source()).read(lba, b.slice(AtaMessage.DATA_OFFSET, count * BlockStore.SECTOR_SIZE));
            target.add(Counter.SECTORS_READ, count);
            client.read(count);
        } catch (IOException | RuntimeException failure) {
            target.ioError(e, h.source(), asIo(failure));
            AoeCodec.writeAtaArgument(m.aflags(), ERROR_UNC, m.sectorCount(), STATUS_ERROR, m.lba(), b);
            length = AtaMessage.DATA_OFFSET;
        }
        int padded = Math.max(length, AoeCodec.MIN_FRAME);
        AoeCodec.pad(b, length, padded);
        out.commit(padded);
    }

    private static void write(
            AoeTarget target,
            AoeHeader h,
            AtaMessage m,
            TargetExport e,
            ClientTally client,
            SocketAddress peer,
            FrameBatch out) {
        int count = effectiveCount(m.cmdStatus(), m.sectorCount());
        int bytes = count * BlockStore.SECTOR_SIZE;
        if (count > target.config().maxSectorsPerFrame() || m.data().remaining() < bytes) {
            target.errorReply(h, e, AoeError.BAD_ARGUMENT, peer, out);
            return;
        }
        long lba = effectiveLba(m.cmdStatus(), m.lba());
        if (!inRange(e, lba, count)) {
            reply(target, h, m, e, STATUS_ERROR, ERROR_IDNF, m.sectorCount(), null, peer, out);
            return;
        }
        try {
            // the frame may carry Ethernet padding after the sectors: write exactly count sectors
            e.storage().storeFor(h.source()).write(lba, m.data().slice(m.data().position(), bytes));
            target.add(Counter.SECTORS_WRITTEN, count);
            client.wrote(count, System.currentTimeMillis());
            reply(target, h, m, e, STATUS_READY, 0, m.sectorCount(), null, peer, out);
        } catch (ReadOnlyStoreException refused) {
            reply(target, h, m, e, STATUS_ERROR, ERROR_ABRT, m.sectorCount(), null, peer, out);
        } catch (IOException | RuntimeException failure) {
            target.ioError(e, h.source(), asIo(failure));
            reply(target, h, m, e, STATUS_ERROR, ERROR_ABRT, m.sectorCount(), null, peer, out);
        }
    }

    private static void flush(
            AoeTarget target, AoeHeader h, AtaMessage m, TargetExport e, SocketAddress peer, FrameBatch out) {
        try {
            e.storage().storeFor(h.source()).flush(); // durable before the reply is sent
            reply(target, h, m, e, STATUS_READY, 0, m.sectorCount(), null, peer, out);
        } catch (IOException | RuntimeException failure) {
            target.ioError(e, h.source(), asIo(failure));
            reply(target, h, m, e, STATUS_ERROR, ERROR_ABRT, m.sectorCount(), null, peer, out);
        }
    }

    private static boolean inRange(TargetExport e, long lba, int count) {
        return lba <= e.storage().sectorCount() - count;
    }

    private static void reply(
            AoeTarget target,
            AoeHeader h,
            AtaMessage m,
            TargetExport e,
            int status,
            int error,
            int count,
            byte[] data,
            SocketAddress peer,
            FrameBatch out) {
        ByteBuffer b = out.claim(peer);
        writeHeaders(target, h, m, e, status, error, count, b);
        int length = AtaMessage.DATA_OFFSET;
        if (data != null) {
            b.put(length, data);
            length += data.length;
        }
        int padded = Math.max(length, AoeCodec.MIN_FRAME);
        AoeCodec.pad(b, length, padded);
        out.commit(padded);
    }

    private static void writeHeaders(
            AoeTarget target,
            AoeHeader h,
            AtaMessage m,
            TargetExport e,
            int status,
            int error,
            int count,
            ByteBuffer b) {
        AoeCodec.writeHeader(target.replyHeader(h, e), b);
        AoeCodec.writeAtaArgument(m.aflags(), error, count, status, m.lba(), b);
    }

    private static IOException asIo(Exception failure) {
        return failure instanceof IOException io ? io : new IOException(failure);
    }
}
