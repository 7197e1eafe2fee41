package org.visorfleet.aoe.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The overlay files this JVM has open, and a per-file lock over every operation that opens,
 * inspects or deletes one.
 *
 * <p>Why: overlay files are guarded by POSIX record locks ({@code FileChannel.tryLock}), and closing
 * <em>any</em> descriptor of a file releases all of the process's locks on it. A {@code list()} or
 * {@code reset()} that merely opened and closed an overlay this JVM is serving would silently
 * unlock it for other processes. So those operations first ask here, and use the open store
 * instead of the file. Keys are absolute paths with the parent directory resolved
 * ({@link #key}); callers go through {@link OverlayDirectory} or {@link CowOverlayStore}, which
 * name files one way.
 */
final class OpenOverlays {
    /** Work done while holding the file's lock; {@code openHere} is the store serving it in this JVM, or null. */
    interface Action<T> {
        T run(CowOverlayStore openHere) throws IOException;
    }

    private static final ConcurrentHashMap<Path, Object> LOCKS = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<Path, CowOverlayStore> OPEN = new ConcurrentHashMap<>();

    private OpenOverlays() {}

    /** The canonical name of {@code file}; its directory must exist. */
    static Path key(Path file) throws IOException {
        Path absolute = file.toAbsolutePath();
        return absolute.getParent().toRealPath().resolve(absolute.getFileName());
    }

    static <T> T withFile(Path key, Action<T> action) throws IOException {
        // Control-path only (open, close, list, reset); the data path never comes here.
        synchronized (LOCKS.computeIfAbsent(key, k -> new Object())) {
            return action.run(OPEN.get(key));
        }
    }

    /** Call only inside {@link #withFile} for {@code key}. */
    static void register(Path key, CowOverlayStore store) {
        if (OPEN.putIfAbsent(key, store) != null) {
            throw new IllegalStateException("overlay registered twice: " + key);
        }
    }

    /** Call only inside {@link #withFile} for {@code key}. */
    static void unregister(Path key, CowOverlayStore store) {
        OPEN.remove(key, store);
    }
}
