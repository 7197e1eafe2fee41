package org.visorfleet.aoe.store;

import java.io.IOException;

/** A write reached a store opened read-only (the target answers with an ATA abort). */
public final class ReadOnlyStoreException extends IOException {
    public ReadOnlyStoreException(String store) {
        super("store is read-only: " + store);
    }
}
