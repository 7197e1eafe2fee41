package org.visorfleet.console.clients;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.AbstractList;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.collections.ObservableListBase;
import org.visorfleet.console.Background;
import org.visorfleet.console.api.Session;

/**
 * The clients table's rows, filled lazily from the server: a list of exactly as many rows as the
 * server counts for the {@link ClientFilter}, of which only the pages of {@link #PAGE_SIZE} rows
 * the table asks for are fetched. A row asked for before its page is here is a {@link ClientRow}
 * without summary (shown as "…") that fills in when the page arrives.
 *
 * <p>Pages are fetched in the background, at most {@link #PARALLEL_FETCHES} at a time, the most
 * recently wanted first (scrolling fast past pages does not queue them all), and at most {@link
 * #CACHED_PAGES} are kept. A new filter or sort order drops everything: answers still under way for
 * the old one are discarded. {@link #reload} fetches the pages in view again, keeping what is shown
 * until the fresh rows are here.
 *
 * <p>Used only on the JavaFX application thread.
 */
final class ClientPages extends ObservableListBase<ClientRow> {

    static final int PAGE_SIZE = 200;
    static final int CACHED_PAGES = 32;
    static final int PARALLEL_FETCHES = 2;
    /** How many of the most recently shown pages {@link #reload} fetches at once. */
    static final int RELOADED_PAGES = 3;

    /** One page of the server's answer. */
    record Answer(List<ClientSummary> items, int total) {}

    /** One cached page: its rows, and whether they are fetched, being fetched or out of date. */
    private static final class Page {
        final int number;
        final ClientRow[] rows = new ClientRow[PAGE_SIZE];
        boolean loaded;
        boolean requested;
        boolean stale;
        boolean failed;
        boolean evicted;

        Page(int number) {
            this.number = number;
            for (int i = 0; i < rows.length; i++) {
                rows[i] = new ClientRow();
            }
        }

        boolean wanted() {
            return !requested && !failed && (!loaded || stale);
        }
    }

    private final Session session;
    private final Consumer<Exception> onFailure;
    private final ReadOnlyIntegerWrapper total = new ReadOnlyIntegerWrapper(-1);
    private final Map<Integer, Page> pages = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Page> eldest) {
            boolean full = size() > CACHED_PAGES;
            if (full) {
                eldest.getValue().evicted = true;
            }
            return full;
        }
    };
    private final Deque<Page> wanted = new ArrayDeque<>();
    private final Set<Thread> fetching = new HashSet<>();
    private ClientFilter filter;
    private long generation;
    private boolean awaitingTotal;
    private int size;

    /**
     * @param session where the pages come from
     * @param onFailure told (on the application thread) when a page cannot be fetched
     */
    ClientPages(Session session, Consumer<Exception> onFailure) {
        this.session = session;
        this.onFailure = onFailure;
    }

    /** How many clients match the filter, as the server last counted them; -1 while a new filter is asked. */
    ReadOnlyIntegerProperty totalProperty() {
        return total.getReadOnlyProperty();
    }

    /** The filter the rows are for, or null before the first. */
    ClientFilter filter() {
        return filter;
    }

    /**
     * Shows the clients matching {@code next}: the current rows stay until the first page of the new
     * filter is here, then the whole list is replaced. Does nothing if {@code next} is the current filter.
     */
    void show(ClientFilter next) {
        if (next.equals(filter)) {
            return;
        }
        filter = next;
        generation++;
        fetching.forEach(Thread::interrupt);
        fetching.clear();
        wanted.clear();
        pages.clear();
        awaitingTotal = true;
        total.set(-1);
        want(page(0));
    }

    /** Fetches the pages in view again (after clients changed); what is shown stays until they are here. */
    void reload() {
        if (filter == null || awaitingTotal) {
            return;
        }
        List<Page> recent = new ArrayList<>(pages.values());
        recent.forEach(page -> {
            page.stale = true;
            page.failed = false;
        });
        if (recent.isEmpty()) {
            want(page(0));
        }
        for (Page page : recent.subList(Math.max(0, recent.size() - RELOADED_PAGES), recent.size())) {
            want(page);
        }
    }

    /** The client in row {@code index}, if its page is here. */
    ClientSummary loaded(int index) {
        Page page = pages.get(index / PAGE_SIZE);
        return page == null ? null : page.rows[index % PAGE_SIZE].summary();
    }

    @Override
    public ClientRow get(int index) {
        Objects.checkIndex(index, size);
        Page page = page(index / PAGE_SIZE);
        if (page.wanted()) {
            want(page);
        }
        return page.rows[index % PAGE_SIZE];
    }

    @Override
    public int size() {
        return size;
    }

    private Page page(int number) {
        return pages.computeIfAbsent(number, Page::new);
    }

    private void want(Page page) {
        if (page.requested) {
            return;
        }
        page.requested = true;
        wanted.addLast(page);
        pump();
    }

    private void pump() {
        while (fetching.size() < PARALLEL_FETCHES && !wanted.isEmpty()) {
            Page page = wanted.pollLast();
            if (page.evicted) {
                continue; // evicted while it waited: nobody looks at it any more
            }
            fetch(page);
        }
    }

    private void fetch(Page page) {
        long asked = generation;
        ClientFilter query = filter;
        Thread[] thread = new Thread[1];
        thread[0] = Background.run(
                () -> answer(session.get(query.path(page.number * PAGE_SIZE, PAGE_SIZE))),
                answer -> {
                    if (asked == generation) {
                        fetching.remove(thread[0]);
                        arrived(page, answer);
                        pump();
                    }
                },
                failure -> {
                    if (asked == generation) {
                        fetching.remove(thread[0]);
                        page.requested = false;
                        page.failed = true;
                        onFailure.accept(failure);
                        pump();
                    }
                });
        fetching.add(thread[0]);
    }

    private static Answer answer(JsonNode reply) {
        List<ClientSummary> items = new ArrayList<>();
        reply.path("items").forEach(item -> items.add(ClientSummary.of(item)));
        return new Answer(items, reply.path("total").asInt());
    }

    private void arrived(Page page, Answer answer) {
        page.requested = false;
        page.loaded = true;
        page.stale = false;
        for (int i = 0; i < PAGE_SIZE; i++) {
            page.rows[i].show(i < answer.items().size() ? answer.items().get(i) : null);
        }
        if (awaitingTotal) {
            awaitingTotal = false;
            replaceAll(answer.total());
        } else if (answer.total() != size) {
            resize(answer.total());
        }
        total.set(answer.total());
    }

    /** A new filter: every row is another client now. */
    private void replaceAll(int newSize) {
        int old = size;
        beginChange();
        size = newSize;
        nextReplace(0, newSize, placeholders(old));
        endChange();
    }

    /** The count changed under the same filter: rows are added or taken away at the end. */
    private void resize(int newSize) {
        int old = size;
        beginChange();
        size = newSize;
        if (newSize > old) {
            nextAdd(old, newSize);
        } else {
            nextRemove(newSize, placeholders(old - newSize));
        }
        endChange();
    }

    /** Stand-ins for removed rows: change listeners see a list of the right size, not the old rows. */
    private static List<ClientRow> placeholders(int count) {
        ClientRow removed = new ClientRow();
        return new AbstractList<>() {
            @Override
            public ClientRow get(int index) {
                return removed;
            }

            @Override
            public int size() {
                return count;
            }
        };
    }

    /** Stops fetching. */
    void close() {
        generation++;
        fetching.forEach(Thread::interrupt);
        fetching.clear();
        wanted.clear();
    }
}
