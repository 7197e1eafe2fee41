package org.visorfleet.grid.linux;

import java.util.HashMap;
import java.util.Map;

/**
 * Test scaffolding for {@link GuestAccess}: pages in a hash map, a page cap, and a user limit.
 * Behaves as the contract says, nothing more.
 */
final class FakeGuest implements GuestAccess {
    static final long LIMIT = 1L << 38;

    private final Map<Long, byte[]> pages = new HashMap<>();
    private final Map<Long, Integer> prots = new HashMap<>();
    private final long maxPages;

    FakeGuest(long maxBytes) {
        this.maxPages = maxBytes / PAGE_SIZE;
    }

    FakeGuest() {
        this(1L << 30);
    }

    int mappedPages() {
        return pages.size();
    }

    @Override
    public boolean map(long addr, long len, int prot) {
        aligned(addr, len);
        long fresh = 0;
        for (long p = addr; p < addr + len; p += PAGE_SIZE) {
            fresh += pages.containsKey(p) ? 0 : 1;
        }
        if (addr + len > LIMIT || pages.size() + fresh > maxPages) {
            return false;
        }
        for (long p = addr; p < addr + len; p += PAGE_SIZE) {
            pages.put(p, new byte[(int) PAGE_SIZE]);
            prots.put(p, prot);
        }
        return true;
    }

    @Override
    public void unmap(long addr, long len) {
        aligned(addr, len);
        for (long p = addr; p < addr + len; p += PAGE_SIZE) {
            pages.remove(p);
            prots.remove(p);
        }
    }

    @Override
    public boolean protect(long addr, long len, int prot) {
        aligned(addr, len);
        if (!isMapped(addr, len)) {
            return false;
        }
        for (long p = addr; p < addr + len; p += PAGE_SIZE) {
            prots.put(p, prot);
        }
        return true;
    }

    @Override
    public int protection(long addr) {
        return prots.getOrDefault(addr & -PAGE_SIZE, -1);
    }

    boolean isMapped(long addr, long len) {
        for (long p = addr & -PAGE_SIZE; p < addr + len; p += PAGE_SIZE) {
            if (!pages.containsKey(p)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public long findFree(long len, long hintAbove) {
        long start = (hintAbove + PAGE_SIZE - 1) & -PAGE_SIZE;
        outer:
        while (start + len <= LIMIT) {
            for (long p = start; p < start + len; p += PAGE_SIZE) {
                if (pages.containsKey(p)) {
                    start = p + PAGE_SIZE;
                    continue outer;
                }
            }
            return start;
        }
        return -1;
    }

    @Override
    public boolean read(long addr, byte[] dst, int off, int len) {
        return copy(addr, dst, off, len, PROT_READ, false, true);
    }

    @Override
    public boolean write(long addr, byte[] src, int off, int len) {
        return copy(addr, src, off, len, PROT_WRITE, true, true);
    }

    @Override
    public void peek(long addr, byte[] dst, int off, int len) {
        if (!copy(addr, dst, off, len, 0, false, false)) {
            throw new IllegalArgumentException("unmapped");
        }
    }

    @Override
    public void poke(long addr, byte[] src, int off, int len) {
        if (!copy(addr, src, off, len, 0, true, false)) {
            throw new IllegalArgumentException("unmapped");
        }
    }

    private boolean copy(long addr, byte[] buf, int off, int len, int need, boolean toGuest, boolean check) {
        for (int i = 0; i < len; i++) {
            long a = addr + i;
            byte[] page = pages.get(a & -PAGE_SIZE);
            if (page == null || (check && (prots.get(a & -PAGE_SIZE) & need) == 0)) {
                return false;
            }
            int at = (int) (a & (PAGE_SIZE - 1));
            if (toGuest) {
                page[at] = buf[off + i];
            } else {
                buf[off + i] = page[at];
            }
        }
        return true;
    }

    private static void aligned(long addr, long len) {
        if (addr % PAGE_SIZE != 0 || len <= 0 || len % PAGE_SIZE != 0) {
            throw new IllegalArgumentException("unaligned range " + addr + "+" + len);
        }
    }

    // helpers for tests
    long u64(long addr) {
        byte[] b = new byte[8];
        peek(addr, b, 0, 8);
        return GuestData.getU64(b, 0);
    }

    String cstring(long addr) {
        StringBuilder sb = new StringBuilder();
        byte[] one = new byte[1];
        for (long a = addr; ; a++) {
            peek(a, one, 0, 1);
            if (one[0] == 0) {
                return sb.toString();
            }
            sb.append((char) one[0]);
        }
    }

    void putString(long addr, String s) {
        byte[] b = (s + "\0").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        poke(addr, b, 0, b.length);
    }
}
