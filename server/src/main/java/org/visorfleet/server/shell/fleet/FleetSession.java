package org.visorfleet.server.shell.fleet;

import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Which technician and fleet the model's calls on this thread belong to. The shell binds one for
 * each snippet it runs ({@link #call}); {@link Fleet} and the records read it. Snippets may not use
 * this class (the shell's policy refuses it), so they cannot act as another technician.
 */
public final class FleetSession {

    private static final ScopedValue<FleetSession> CURRENT = ScopedValue.newInstance();

    private final FleetBackend backend;
    private final Technician technician;
    private final PrintStream out;

    /** A session of {@code technician}; {@code out} is where the model prints (e.g. {@code help()}). */
    public FleetSession(FleetBackend backend, Technician technician, PrintStream out) {
        this.backend = backend;
        this.technician = technician;
        this.out = out;
    }

    /** Runs {@code work} with this session bound, so that the model's calls inside it reach the fleet. */
    public <T> T call(Callable<T> work) throws Exception {
        return ScopedValue.where(CURRENT, this).call(work::call);
    }

    static FleetSession current() {
        if (!CURRENT.isBound()) {
            throw new FleetException("the fleet is only reachable from the snippet's own thread");
        }
        return CURRENT.get();
    }

    FleetBackend backend() {
        return backend;
    }

    PrintStream out() {
        return out;
    }

    Technician technician() {
        return technician;
    }

    Command act(String client, String action, Map<String, String> args) {
        return backend.act(technician, client, action, args);
    }
}
