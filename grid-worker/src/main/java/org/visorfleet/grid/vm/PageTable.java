package org.visorfleet.grid.vm;

/**
 * Page number → {@link Page}, open addressing with linear probing on primitive keys, so the TLB
 * refill path never boxes. Deletion shifts entries back, so no tombstones accumulate.
 */
final class PageTable {
    private static final long EMPTY = -1;

    private long[] keys = newKeys(64);
    private Page[] values = new Page[64];
    private int size;

    private static long[] newKeys(int n) {
        long[] k = new long[n];
        java.util.Arrays.fill(k, EMPTY);
        return k;
    }

    private static int slot(long key, int mask) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    Page get(long vpn) {
        int mask = keys.length - 1;
        for (int i = slot(vpn, mask); ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == vpn) {
                return values[i];
            }
            if (k == EMPTY) {
                return null;
            }
        }
    }

    void put(long vpn, Page page) {
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        int i = slot(vpn, mask);
        while (keys[i] != EMPTY && keys[i] != vpn) {
            i = (i + 1) & mask;
        }
        if (keys[i] == EMPTY) {
            size++;
        }
        keys[i] = vpn;
        values[i] = page;
    }

    Page remove(long vpn) {
        int mask = keys.length - 1;
        int i = slot(vpn, mask);
        while (keys[i] != vpn) {
            if (keys[i] == EMPTY) {
                return null;
            }
            i = (i + 1) & mask;
        }
        Page removed = values[i];
        size--;
        // Backward-shift deletion: move later entries of the probe run into the hole when their home
        // slot does not lie cyclically in (hole, j].
        int hole = i;
        for (int j = (i + 1) & mask; keys[j] != EMPTY; j = (j + 1) & mask) {
            int home = slot(keys[j], mask);
            boolean stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
            if (!stays) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        keys[hole] = EMPTY;
        values[hole] = null;
        return removed;
    }

    int size() {
        return size;
    }

    /** Calls {@code action} for every page; the table must not be modified meanwhile. */
    void forEach(java.util.function.Consumer<Page> action) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != EMPTY) {
                action.accept(values[i]);
            }
        }
    }

    private void grow() {
        long[] oldKeys = keys;
        Page[] oldValues = values;
        keys = newKeys(oldKeys.length * 2);
        values = new Page[oldKeys.length * 2];
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                put(oldKeys[i], oldValues[i]);
            }
        }
    }
}
