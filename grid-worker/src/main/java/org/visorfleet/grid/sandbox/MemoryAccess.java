package org.visorfleet.grid.sandbox;

import org.visorfleet.grid.linux.GuestAccess;
import org.visorfleet.grid.vm.GuestFault;
import org.visorfleet.grid.vm.GuestMemory;
import org.visorfleet.grid.vm.GuestMemoryLimitException;

/** The syscall layer's view of a hart's memory: failures as false, as the kernel's errno paths expect. */
final class MemoryAccess implements GuestAccess {
    private final GuestMemory memory;

    MemoryAccess(GuestMemory memory) {
        this.memory = memory;
    }

    @Override
    public boolean map(long addr, long len, int prot) {
        try {
            memory.map(addr, len, prot);
            return true;
        } catch (GuestMemoryLimitException | IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public void unmap(long addr, long len) {
        memory.unmap(addr, len);
    }

    @Override
    public boolean protect(long addr, long len, int prot) {
        if (!memory.isMapped(addr, len)) {
            return false;
        }
        memory.protect(addr, len, prot);
        return true;
    }

    @Override
    public int protection(long addr) {
        return memory.protection(addr);
    }

    @Override
    public long findFree(long len, long hintAbove) {
        return memory.findFree(len, hintAbove);
    }

    @Override
    public boolean read(long addr, byte[] dst, int off, int len) {
        try {
            memory.readBytes(addr, dst, off, len);
            return true;
        } catch (GuestFault e) {
            return false;
        }
    }

    @Override
    public boolean write(long addr, byte[] src, int off, int len) {
        try {
            memory.writeBytes(addr, src, off, len);
            return true;
        } catch (GuestFault e) {
            return false;
        }
    }

    @Override
    public void peek(long addr, byte[] dst, int off, int len) {
        memory.peek(addr, dst, off, len);
    }

    @Override
    public void poke(long addr, byte[] src, int off, int len) {
        memory.poke(addr, src, off, len);
    }
}
