package org.visorfleet.agent.grid;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Makes the calling thread the lowest-priority work on the desktop: Linux nice 19 for this one
 * thread ({@code setpriority(PRIO_PROCESS, gettid(), 19)}, which on Linux applies to a thread). The
 * JDK's own thread priorities are ignored on Linux, so this goes through the FFM API.
 */
final class LowPriority {
    private static final System.Logger LOG = System.getLogger(LowPriority.class.getName());
    static final int NICE = 19;
    private static final int PRIO_PROCESS = 0;
    private static final Optional<Calls> CALLS = Calls.find();

    private LowPriority() {}

    /** Renices the calling thread to 19; false (logged once per thread) where that is not possible. */
    static boolean applyToCurrentThread() {
        if (CALLS.isEmpty()) {
            return false;
        }
        try {
            int tid = (int) CALLS.get().gettid.invokeExact();
            int rc = (int) CALLS.get().setpriority.invokeExact(PRIO_PROCESS, tid, NICE);
            if (rc != 0) {
                LOG.log(System.Logger.Level.WARNING, "setpriority failed; grid work runs at normal priority");
            }
            return rc == 0;
        } catch (Throwable e) {
            LOG.log(System.Logger.Level.WARNING, "cannot lower the grid thread's priority: {0}", e.toString());
            return false;
        }
    }

    private record Calls(MethodHandle gettid, MethodHandle setpriority) {
        static Optional<Calls> find() {
            try {
                Linker linker = Linker.nativeLinker();
                var libc = linker.defaultLookup();
                MethodHandle gettid = linker.downcallHandle(
                        libc.find("gettid").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT));
                MethodHandle setpriority = linker.downcallHandle(
                        libc.find("setpriority").orElseThrow(),
                        FunctionDescriptor.of(
                                ValueLayout.JAVA_INT,
                                ValueLayout.JAVA_INT,
                                ValueLayout.JAVA_INT,
                                ValueLayout.JAVA_INT));
                return Optional.of(new Calls(gettid, setpriority));
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "no setpriority here ({0}); grid work runs at normal priority", e);
                return Optional.empty();
            }
        }
    }
}
