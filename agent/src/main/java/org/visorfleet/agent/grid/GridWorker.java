package org.visorfleet.agent.grid;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.PathRequestContent;
import org.eclipse.jetty.http.HttpMethod;
import org.visorfleet.agent.inventory.InventoryCollector;
import org.visorfleet.agent.link.GridPort;
import org.visorfleet.common.wire.AgentMessage;
import org.visorfleet.common.wire.GridResult;
import org.visorfleet.common.wire.ServerMessage;
import org.visorfleet.grid.sandbox.Limits;
import org.visorfleet.grid.sandbox.Outcome;
import org.visorfleet.grid.sandbox.Pacer;
import org.visorfleet.grid.sandbox.RunResult;
import org.visorfleet.grid.sandbox.WorkUnit;

/**
 * The desktop's grid worker: watches the idle policy, tells the server when it can take work
 * ({@link AgentMessage.GridStatus}), runs the work units it is sent, each on its own niced thread in
 * the sandbox, suspends them the moment the desktop stops being idle and resumes them when it is
 * idle again, and returns signed results over HTTPS, keeping each durably until a server accepts it.
 *
 * <p>Threads: the link calls {@link #accept}, {@link #cancel} and {@link #statusDue}; one monitor
 * thread evaluates the policy, one uploader thread sends results, one thread per running unit.
 */
public final class GridWorker implements GridPort, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(GridWorker.class.getName());
    /** A status is repeated this often even when unchanged, so a server that missed one catches up. */
    private static final long STATUS_REPEAT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final GridSettings settings;
    private final IdleSignals signals;
    private final IdlePolicy policy;
    private final WorkRunner runner;
    private final BlobCache blobs;
    private final ResultOutbox outbox;
    private final PrivateKey key;
    private final HttpClient http;
    private final Supplier<Optional<URI>> server;
    private final Runnable wakeLink;

    /**
     * Replicas accepted beyond the free slots (a periodic status can cross work already on its way)
     * wait for a slot; beyond this backlog they are refused with an error result.
     */
    static final int BACKLOG = 4;

    private final Object lock = new Object();
    private final java.util.concurrent.Semaphore slotPermits;
    private final Map<Long, Unit> units = new LinkedHashMap<>(); // guarded by lock
    private volatile IdlePolicy.Decision decision = new IdlePolicy.Decision(false, "starting");
    private volatile boolean closed;
    private AgentMessage.GridStatus lastSent; // link thread only
    private long lastSentAt;
    private final Thread monitor;
    private final Thread uploader;
    /**
     * Set when a result is stored, cleared by the uploader before it reads the outbox. The flag, not
     * the park permit alone, says there is work: a permit given while the uploader waits inside its
     * HTTP client is consumed there, and the result would wait for the next minute's pass.
     */
    private final AtomicBoolean resultStored = new AtomicBoolean();

    /** One accepted replica. */
    private static final class Unit {
        final ServerMessage.Work work;
        volatile boolean cancelled;
        volatile boolean suspended;

        Unit(ServerMessage.Work work) {
            this.work = work;
        }
    }

    /**
     * @param dataDir the agent's data directory ({@code grid/blobs}, {@code grid/results} go under it)
     * @param http the agent's mutual-TLS HTTP client
     * @param server the server the link is connected to now, if any
     * @param wakeLink asks the link to call {@link #statusDue} soon
     */
    public GridWorker(
            GridSettings settings,
            IdleSignals signals,
            WorkRunner runner,
            Path dataDir,
            PrivateKey key,
            HttpClient http,
            Supplier<Optional<URI>> server,
            Runnable wakeLink)
            throws IOException {
        this.settings = settings;
        this.signals = signals;
        this.policy = new IdlePolicy(settings);
        this.runner = runner;
        this.blobs = new BlobCache(dataDir.resolve("grid").resolve("blobs"), http);
        this.outbox = new ResultOutbox(dataDir.resolve("grid").resolve("results"));
        this.key = key;
        this.http = http;
        this.server = server;
        this.wakeLink = wakeLink;
        this.slotPermits = new java.util.concurrent.Semaphore(settings.slots());
        this.monitor = Thread.ofPlatform().daemon().name("grid-monitor").unstarted(this::watch);
        this.uploader = Thread.ofPlatform().daemon().name("grid-upload").unstarted(this::upload);
        monitor.start();
        uploader.start();
    }

    /** The real desktop's signals: input devices, session terminals, configured activity files, CPU load. */
    public static IdleSignals desktopSignals(InventoryCollector inventory, GridSettings settings) {
        return new DesktopSignals(
                inventory, settings.activityFiles().stream().map(Path::of).toList());
    }

    /** The status to send now, or null: after a (re)connect, on a change, and every 10 s. */
    @Override
    public AgentMessage.GridStatus statusDue(boolean newSession) {
        AgentMessage.GridStatus now = status();
        long t = System.nanoTime();
        if (newSession || !now.equals(lastSent) || t - lastSentAt > STATUS_REPEAT_NANOS) {
            lastSent = now;
            lastSentAt = t;
            return now;
        }
        return null;
    }

    /** What this desktop would tell the server now. */
    public AgentMessage.GridStatus status() {
        IdlePolicy.Decision d = decision;
        int running;
        synchronized (lock) {
            running = units.size();
        }
        if (!settings.enabled()) {
            return new AgentMessage.GridStatus(false, "grid work disabled on this desktop", running, 0);
        }
        int free = d.idle() ? Math.max(0, settings.slots() - running) : 0;
        String reason = d.reason() + (running > 0 && !d.idle() ? "; " + running + " unit(s) suspended" : "");
        return new AgentMessage.GridStatus(d.idle(), reason, running, free);
    }

    /** Starts a replica the server sent (or, if it cannot be run here, returns an error result). */
    @Override
    public void accept(ServerMessage.Work work) {
        Unit unit = new Unit(work);
        String refusal = null;
        synchronized (lock) {
            if (closed) {
                return; // shutting down: the server's deadline reissues it
            } else if (units.containsKey(work.assignment())) {
                return; // a repeat
            } else if (!settings.enabled()) {
                refusal = "grid work is disabled on this desktop";
            } else if (units.size() >= settings.slots() + BACKLOG) {
                refusal = "all " + settings.slots() + " grid slots are busy and " + BACKLOG + " units wait";
            } else {
                units.put(work.assignment(), unit);
            }
        }
        if (refusal != null) {
            LOG.log(System.Logger.Level.INFO, "assignment {0} refused: {1}", work.assignment(), refusal);
            store(errorResult(work, refusal));
            return;
        }
        Thread.ofPlatform().daemon().name("grid-" + work.assignment()).start(() -> runUnit(unit));
        wakeLink.run();
    }

    /** Stops a replica the server no longer needs; no result is returned for it. */
    @Override
    public void cancel(ServerMessage.WorkCancel cancel) {
        synchronized (lock) {
            Unit unit = units.get(cancel.assignment());
            if (unit != null) {
                unit.cancelled = true;
                LOG.log(
                        System.Logger.Level.INFO,
                        "assignment {0} cancelled: {1}",
                        cancel.assignment(),
                        cancel.reason());
            }
            lock.notifyAll();
        }
    }

    private void runUnit(Unit unit) {
        ServerMessage.Work work = unit.work;
        try {
            LowPriority.applyToCurrentThread();
            slotPermits.acquire();
            try {
                GridResult result = unit.cancelled || closed ? null : execute(unit);
                if (result != null) {
                    store(result);
                }
            } finally {
                slotPermits.release();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "assignment " + work.assignment() + " failed in the agent", e);
            store(errorResult(work, "agent failure: " + e));
        } finally {
            synchronized (lock) {
                units.remove(work.assignment());
            }
            wakeLink.run();
        }
    }

    /** Fetches the files, runs the sandbox; null when the run was cancelled or the agent stops. */
    private GridResult execute(Unit unit) {
        ServerMessage.Work work = unit.work;
        WorkUnit workUnit;
        try {
            URI from = awaitServer(unit);
            if (from == null) {
                return null;
            }
            byte[] program = blobs.read(work.program(), from);
            byte[] stdin = work.stdin() == null ? new byte[0] : blobs.read(work.stdin(), from);
            Map<String, byte[]> inputs = new LinkedHashMap<>();
            for (var input : work.inputs().entrySet()) {
                inputs.put(input.getKey(), blobs.read(input.getValue(), from));
            }
            workUnit = new WorkUnit(
                    work.programName(),
                    program,
                    work.args(),
                    stdin,
                    inputs,
                    java.util.Set.copyOf(work.outputs()),
                    work.seed());
        } catch (IOException e) {
            return errorResult(work, "cannot fetch the unit's files: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        long untilDeadline = work.deadlineMillis() - System.currentTimeMillis();
        Limits limits = new Limits(
                work.instructionBudget(),
                work.memoryBytes(),
                work.outputBytes(),
                Limits.DEFAULT.syscalls(),
                Duration.ofMillis(Math.max(60_000, untilDeadline)));
        Pacer pacer = () -> holdWhileBusy(unit);
        RunResult run = runner.run(workUnit, limits, pacer);
        LOG.log(
                System.Logger.Level.INFO,
                "assignment {0} (job {1} unit {2}): {3}, {4} instructions, {5} MIPS",
                work.assignment(),
                work.job(),
                work.unit(),
                run.outcome(),
                run.instructions(),
                Math.round(run.mips()));
        String kind =
                switch (run.outcome()) {
                    case Outcome.Exited e -> GridResult.EXITED;
                    case Outcome.Killed k -> GridResult.KILLED;
                    case Outcome.LimitExceeded l when l.limit() == Outcome.Limit.WALL_CLOCK -> GridResult.ERROR;
                    case Outcome.LimitExceeded l -> GridResult.LIMIT;
                    case Outcome.Rejected r -> GridResult.REJECTED;
                    case Outcome.Stopped s -> null;
                };
        if (kind == null) {
            return null;
        }
        return GridResult.signed(
                work.assignment(),
                kind,
                run.outcome().shellStatus(),
                detail(run.outcome()),
                run.instructions(),
                run.stdout(),
                run.stderr(),
                run.outputs(),
                key);
    }

    private static String detail(Outcome outcome) {
        return switch (outcome) {
            case Outcome.Exited e -> "exit " + e.status();
            case Outcome.Killed k -> k.reason();
            case Outcome.LimitExceeded l -> l.detail();
            case Outcome.Rejected r -> r.reason();
            case Outcome.Stopped s -> s.reason();
        };
    }

    /** The pacer: blocks while the desktop is not idle; false when the unit is cancelled or we stop. */
    private boolean holdWhileBusy(Unit unit) throws InterruptedException {
        synchronized (lock) {
            while (!decision.idle() && !unit.cancelled && !closed) {
                if (!unit.suspended) {
                    unit.suspended = true;
                    LOG.log(
                            System.Logger.Level.INFO,
                            "assignment {0} suspended: {1}",
                            unit.work.assignment(),
                            decision.reason());
                }
                lock.wait();
            }
            if (unit.suspended && !unit.cancelled && !closed) {
                unit.suspended = false;
                LOG.log(System.Logger.Level.INFO, "assignment {0} resumed", unit.work.assignment());
            }
            return !unit.cancelled && !closed;
        }
    }

    /** Waits (up to a minute) for the link to be connected somewhere; null if cancelled or timed out. */
    private URI awaitServer(Unit unit) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (!unit.cancelled && !closed && System.nanoTime() < deadline) {
            Optional<URI> now = server.get();
            if (now.isPresent()) {
                return now.get();
            }
            Thread.sleep(200);
        }
        return null;
    }

    private GridResult errorResult(ServerMessage.Work work, String why) {
        return GridResult.signed(
                work.assignment(), GridResult.ERROR, 0, why, 0, new byte[0], new byte[0], Map.of(), key);
    }

    private void store(GridResult result) {
        try {
            outbox.add(result);
        } catch (IOException e) {
            LOG.log(
                    System.Logger.Level.ERROR,
                    "cannot store the result of assignment {0}: {1}",
                    result.assignment(),
                    e.getMessage());
            return;
        }
        resultStored.set(true);
        java.util.concurrent.locks.LockSupport.unpark(uploader);
    }

    /** Re-evaluates the idle policy every {@code checkSeconds}; wakes paused units and the link on a change. */
    private void watch() {
        long period = (long) (settings.checkSeconds() * 1000);
        signals.nonGridLoad(); // the load is measured between calls: the first decision needs a baseline
        while (!closed) {
            try {
                Thread.sleep(period);
            } catch (InterruptedException e) {
                return;
            }
            IdlePolicy.Decision next = policy.decide(signals);
            IdlePolicy.Decision previous = decision;
            decision = next;
            if (next.idle() != previous.idle()) {
                LOG.log(System.Logger.Level.INFO, "desktop {0}: {1}", next.idle() ? "idle" : "in use", next.reason());
                synchronized (lock) {
                    lock.notifyAll();
                }
                wakeLink.run();
            }
        }
    }

    /** Sends stored results, oldest first, to the connected server; retries with backoff. */
    private void upload() {
        long backoff = 1_000;
        while (!closed) {
            boolean failed = false;
            resultStored.set(false);
            try {
                List<Long> pending = outbox.pending();
                Optional<URI> to = server.get();
                for (long assignment : pending) {
                    if (to.isEmpty() || closed) {
                        failed = !pending.isEmpty();
                        break;
                    }
                    if (!send(to.get(), assignment)) {
                        failed = true;
                        break;
                    }
                }
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "result outbox: {0}", e.getMessage());
                failed = true;
            } catch (InterruptedException e) {
                return;
            }
            backoff = failed ? Math.min(30_000, backoff * 2) : 1_000;
            if (!failed && resultStored.get()) {
                continue; // stored while this pass was sending: send it now
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(failed ? backoff : 60_000));
        }
    }

    /** PUTs one result; true when the server has it (or refused it for good, which is logged). */
    private boolean send(URI server, long assignment) throws IOException, InterruptedException {
        URI uri = server.resolve("/agent/v1/grid/results/" + assignment);
        Path file = outbox.file(assignment);
        ContentResponse response;
        try {
            response = http.newRequest(uri)
                    .method(HttpMethod.PUT)
                    .body(new PathRequestContent("application/json", file))
                    .timeout(2, TimeUnit.MINUTES)
                    .send();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.log(System.Logger.Level.DEBUG, "PUT {0}: {1}", uri, e.getMessage());
            return false;
        }
        int status = response.getStatus();
        if (status == 200 || status == 201) {
            outbox.remove(assignment);
            LOG.log(System.Logger.Level.DEBUG, "result of assignment {0} accepted", assignment);
            return true;
        }
        if (status >= 400 && status < 500 && status != 408 && status != 429) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "server refused the result of assignment {0} for good ({1}): {2}; dropped",
                    assignment,
                    status,
                    response.getContentAsString());
            outbox.remove(assignment);
            return true;
        }
        LOG.log(System.Logger.Level.DEBUG, "PUT {0} answered {1}; retrying later", uri, status);
        return false;
    }

    /** Results stored and not yet accepted by a server. */
    public List<Long> pendingResults() throws IOException {
        return new ArrayList<>(outbox.pending());
    }

    /** Stops running units (no results for them: the server's deadlines reissue them) and the threads. */
    @Override
    public void close() {
        closed = true;
        synchronized (lock) {
            lock.notifyAll();
        }
        monitor.interrupt();
        uploader.interrupt();
    }
}
