package org.visorfleet.server.events;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Follows the event log for live consoles. The log is shared by every server on the database, so the
 * stream polls it (every {@link #POLL_MILLIS} ms while anyone listens) instead of trusting local
 * appends. Ids are assigned at insert and may commit out of order; an id missing below newer ones
 * is waited for up to {@link #GAP_WAIT_MILLIS} ms before the cursor moves past it.
 */
public final class EventStream {

    static final long POLL_MILLIS = 250;
    static final long GAP_WAIT_MILLIS = 5_000;
    private static final System.Logger LOG = System.getLogger(EventStream.class.getName());

    private final EventLog log;
    private final Set<Consumer<EventRecord>> listeners = ConcurrentHashMap.newKeySet();
    private final TreeMap<Long, Long> gaps = new TreeMap<>(); // missing id -> when first noticed
    private long cursor = -1;

    public EventStream(EventLog log) {
        this.log = log;
    }

    public void subscribe(Consumer<EventRecord> listener) {
        listeners.add(listener);
    }

    public void unsubscribe(Consumer<EventRecord> listener) {
        listeners.remove(listener);
    }

    public int listeners() {
        return listeners.size();
    }

    /** One poll; called by the server's housekeeping timer. */
    public synchronized void poll(long now) {
        try {
            if (cursor < 0) {
                List<EventRecord> newest = log.query(new EventQuery(null, null, null, 0, 0, 1, false));
                cursor = newest.isEmpty() ? 0 : newest.getFirst().id();
                return;
            }
            if (listeners.isEmpty()) {
                return;
            }
            List<EventRecord> fresh = new ArrayList<>();
            for (Map.Entry<Long, Long> gap : List.copyOf(gaps.entrySet())) {
                List<EventRecord> filled =
                        log.query(new EventQuery(null, null, null, gap.getKey() - 1, gap.getKey() + 1, 1, true));
                if (!filled.isEmpty()) {
                    fresh.addAll(filled);
                    gaps.remove(gap.getKey());
                } else if (now - gap.getValue() > GAP_WAIT_MILLIS) {
                    gaps.remove(gap.getKey()); // a rolled-back insert: the id will never appear
                }
            }
            List<EventRecord> page = log.query(new EventQuery(null, null, null, cursor, 0, 1000, true));
            for (EventRecord event : page) {
                // Small holes are uncommitted inserts; a large jump is a sequence cache, not worth tracking.
                for (long missing = cursor + 1; missing < event.id() && event.id() - cursor <= 100; missing++) {
                    gaps.put(missing, now);
                }
                cursor = event.id();
                fresh.add(event);
            }
            for (EventRecord event : fresh) {
                listeners.forEach(listener -> listener.accept(event));
            }
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "event stream poll failed: {0}", e.getMessage());
        }
    }
}
