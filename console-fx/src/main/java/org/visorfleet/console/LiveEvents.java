package org.visorfleet.console;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import org.visorfleet.console.api.EventFeed;
import org.visorfleet.console.api.FleetEvent;
import org.visorfleet.console.api.Session;

/**
 * The server's event stream on the JavaFX application thread: views {@link #subscribe} and receive
 * each {@link FleetEvent} there. Events that arrive in a burst are handed over in one pass of the
 * application thread, not one {@code runLater} each, so a storm of events cannot flood the UI.
 */
public final class LiveEvents implements AutoCloseable {

    private final List<Consumer<FleetEvent>> listeners = new ArrayList<>();
    private final Queue<FleetEvent> arrived = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final ReadOnlyObjectWrapper<EventFeed.State> state =
            new ReadOnlyObjectWrapper<>(EventFeed.State.CONNECTING);
    private EventFeed feed;

    /** Opens the event stream of {@code session}. */
    public static LiveEvents open(Session session) {
        LiveEvents events = new LiveEvents();
        events.feed = EventFeed.open(session, events::arrive, now -> Platform.runLater(() -> events.state.set(now)));
        return events;
    }

    /** Events that are not from a server, for views shown without one (tests). */
    public static LiveEvents none() {
        LiveEvents events = new LiveEvents();
        events.state.set(EventFeed.State.CLOSED);
        return events;
    }

    /** Calls {@code listener} on the application thread with every event from now on; call on that thread. */
    public void subscribe(Consumer<FleetEvent> listener) {
        listeners.add(listener);
    }

    /** Stops calling {@code listener}; call on the application thread. */
    public void unsubscribe(Consumer<FleetEvent> listener) {
        listeners.remove(listener);
    }

    /** Whether the stream is live, reconnecting or closed. */
    public ReadOnlyObjectProperty<EventFeed.State> stateProperty() {
        return state.getReadOnlyProperty();
    }

    private void arrive(FleetEvent event) {
        arrived.add(event);
        if (drainScheduled.compareAndSet(false, true)) {
            Platform.runLater(this::drain);
        }
    }

    private void drain() {
        drainScheduled.set(false);
        for (FleetEvent event; (event = arrived.poll()) != null; ) {
            for (Consumer<FleetEvent> listener : List.copyOf(listeners)) {
                listener.accept(event);
            }
        }
    }

    @Override
    public void close() {
        if (feed != null) {
            feed.close();
        }
    }
}
