package org.visorfleet.server.shell;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Collectors;
import jdk.jshell.DeclarationSnippet;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.ExpressionSnippet;
import jdk.jshell.JShell;
import jdk.jshell.MethodSnippet;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.TypeDeclSnippet;
import jdk.jshell.UnresolvedReferenceException;
import jdk.jshell.VarSnippet;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;
import org.visorfleet.server.auth.Principal;
import org.visorfleet.server.events.EventLog;
import org.visorfleet.server.shell.fleet.Fleet;
import org.visorfleet.server.shell.fleet.FleetBackend;
import org.visorfleet.server.shell.fleet.FleetSession;
import org.visorfleet.server.shell.fleet.Technician;

/**
 * One technician's fleet shell: a JShell whose snippets run inside the server (checked by the
 * {@link SnippetPolicy}, guarded by {@link SnippetGuard}) over the live fleet model, printing to this
 * session's stream only. Every snippet is audited as {@code shell.eval}; opening and closing as
 * {@code shell.opened} and {@code shell.closed}.
 *
 * <p>Threading: {@link #run}, {@link #complete} and {@link #needsMoreInput} are called by one thread
 * at a time (the session's reader); {@link #interrupt} may be called from any thread while
 * {@link #run} is busy.
 */
public final class FleetShellSession implements AutoCloseable {

    /** Where the tab key may complete {@code input}: candidates replace the text from {@code anchor}. */
    public record Completion(int anchor, List<String> candidates) {

        /** The longest text all candidates start with. */
        public String commonPrefix() {
            if (candidates.isEmpty()) {
                return "";
            }
            String prefix = candidates.getFirst();
            for (String c : candidates) {
                int i = 0;
                while (i < prefix.length() && i < c.length() && prefix.charAt(i) == c.charAt(i)) {
                    i++;
                }
                prefix = prefix.substring(0, i);
            }
            return prefix;
        }
    }

    private static final int AUDITED_CHARS = 500;
    /**
     * What one snippet may allocate on its thread, garbage included, before it is stopped: a quarter
     * of the heap, at most 1 GiB.
     */
    static final long ALLOCATION_LIMIT = Math.min(1L << 30, Runtime.getRuntime().maxMemory() / 4);

    private static final List<String> IMPORTS = List.of(
            "import java.util.*;",
            "import java.util.function.*;",
            "import java.util.stream.*;",
            "import java.time.*;",
            "import static org.visorfleet.server.shell.fleet.Fleet.*;",
            "import org.visorfleet.server.shell.fleet.Client;",
            "import org.visorfleet.server.shell.fleet.Command;",
            "import org.visorfleet.server.shell.fleet.CommandResult;",
            "import org.visorfleet.server.shell.fleet.Event;",
            "import org.visorfleet.server.shell.fleet.FleetException;",
            "import org.visorfleet.server.shell.fleet.Group;",
            "import org.visorfleet.server.shell.fleet.Job;",
            "import org.visorfleet.server.shell.fleet.Technician;");
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("fleet-shell-timer").daemon(true).factory());

    private final Principal who;
    private final EventLog events;
    private final PrintStream out;
    private final SnippetLoader loader;
    private final GuardedExecutionControl control;
    private final JShell jshell;
    private final SourceCodeAnalysis analysis;
    private final FleetSession fleet;
    private final long openedAt = System.nanoTime();
    private int snippets;
    private boolean stopped;

    /**
     * Opens a session of {@code who}; {@code terminal} receives everything the session prints (it
     * is never closed by the session), {@code via} says how it was opened (for the audit).
     */
    public FleetShellSession(
            FleetBackend backend,
            EventLog events,
            Principal who,
            Duration snippetTimeLimit,
            OutputStream terminal,
            String via) {
        this.who = who;
        this.events = events;
        this.out = new Unclosable(terminal);
        this.loader = new SnippetLoader(Fleet.class.getClassLoader());
        this.control = new GuardedExecutionControl(loader, snippetTimeLimit, TIMER);
        this.jshell = JShell.builder()
                .in(InputStream.nullInputStream())
                .out(out)
                .err(out)
                .executionEngine(new Provider(control), Map.of())
                .build();
        jshell.addToClasspath(CompilePath.of(Fleet.class));
        this.analysis = jshell.sourceCodeAnalysis();
        this.fleet = new FleetSession(
                new GuardedBackend(backend),
                new Technician(who.userId(), who.name(), who.role().wireName()),
                out);
        for (String line : IMPORTS) {
            jshell.eval(line);
        }
        events.appendQuietly("shell.opened", who.actor(), null, "fleet shell (" + via + ")");
    }

    /** The stream this session prints to; the front end prints its own messages there too. */
    public PrintStream out() {
        return out;
    }

    /** True if {@code input} is an unfinished snippet (an open brace, a trailing operator...). */
    public boolean needsMoreInput(String input) {
        return analysis.analyzeCompletion(input).completeness()
                == SourceCodeAnalysis.Completeness.DEFINITELY_INCOMPLETE;
    }

    /**
     * Evaluates every snippet in {@code input} in turn, printing values, errors and refusals to the
     * session. Returns false if any snippet was refused, rejected, threw or was stopped.
     */
    public boolean run(String input) {
        boolean ok = true;
        String remaining = input;
        try {
            while (!remaining.isBlank()) {
                SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(remaining);
                if (!info.completeness().isComplete()) {
                    evaluate(remaining); // JShell reports what is missing
                    return false;
                }
                ok &= evaluate(info.source());
                if (stopped) {
                    return false; // a stopped snippet ends its input: the rest may depend on it
                }
                remaining = info.remaining();
            }
            return ok;
        } finally {
            stopped = false;
            control.clearPendingStop();
            out.flush();
        }
    }

    /** Stops the running snippet (Ctrl-C); the session stays usable. */
    public void interrupt() {
        control.stopRunning("stopped by Ctrl-C");
    }

    /** Completion candidates for the text before {@code cursor}. */
    public Completion complete(String input, int cursor) {
        int[] anchor = new int[1];
        List<SourceCodeAnalysis.Suggestion> suggestions = analysis.completionSuggestions(input, cursor, anchor);
        boolean smart = suggestions.stream().anyMatch(SourceCodeAnalysis.Suggestion::matchesType);
        Set<String> candidates = new LinkedHashSet<>();
        for (SourceCodeAnalysis.Suggestion s : suggestions) {
            if (!smart || s.matchesType()) {
                candidates.add(s.continuation());
            }
        }
        return new Completion(anchor[0], List.copyOf(candidates));
    }

    @Override
    public void close() {
        jshell.close();
        long seconds = Duration.ofNanos(System.nanoTime() - openedAt).toSeconds();
        events.appendQuietly("shell.closed", who.actor(), null, "after " + seconds + " s, " + snippets + " snippets");
    }

    private boolean evaluate(String source) {
        snippets++;
        events.appendQuietly(
                "shell.eval",
                who.actor(),
                null,
                source.length() <= AUDITED_CHARS ? source : source.substring(0, AUDITED_CHARS));
        loader.takeRefusal();
        SnippetGuard.Run run = new SnippetGuard.Run(out, out, ALLOCATION_LIMIT);
        List<SnippetEvent> results;
        try {
            results = ScopedValue.where(SnippetGuard.RUN, run).call(() -> fleet.call(() -> jshell.eval(source)));
        } catch (Exception e) {
            out.println("error: " + e);
            return false;
        }
        Optional<String> refused = loader.takeRefusal();
        if (refused.isPresent()) {
            undo(results);
            out.println("refused: " + refused.get());
            return false;
        }
        boolean ok = true;
        for (SnippetEvent e : results) {
            if (e.causeSnippet() == null) {
                ok &= show(e, run);
            }
        }
        if (run.stopReason() != null) {
            stopped = true;
            out.println("stopped: " + run.stopReason());
            return false;
        }
        return ok;
    }

    /**
     * Takes back a refused snippet: drops what it declared and declares again the methods and types
     * it replaced (no code runs for those; a replaced variable is not brought back, as its
     * initializer would run again).
     */
    private void undo(List<SnippetEvent> results) {
        List<String> replaced = new ArrayList<>();
        for (SnippetEvent e : results) {
            if (e.causeSnippet() == null && jshell.status(e.snippet()).isActive()) {
                jshell.drop(e.snippet());
            } else if (e.causeSnippet() != null
                    && e.status() == Snippet.Status.OVERWRITTEN
                    && e.previousStatus().isActive()
                    && (e.snippet() instanceof MethodSnippet || e.snippet() instanceof TypeDeclSnippet)) {
                replaced.add(e.snippet().source());
            }
        }
        for (String source : replaced) {
            jshell.eval(source);
        }
    }

    private boolean show(SnippetEvent e, SnippetGuard.Run run) {
        Snippet snippet = e.snippet();
        if (e.status() == Snippet.Status.REJECTED) {
            for (Diag d : jshell.diagnostics(snippet).toList()) {
                out.println("error: " + d.getMessage(Locale.ROOT));
            }
            return false;
        }
        if (e.exception() != null) {
            if (run.stopReason() == null) {
                out.println(describe(e.exception()));
            }
            return false;
        }
        switch (snippet) {
            case VarSnippet v when e.value() != null -> out.println(v.name() + " ==> " + e.value());
            case ExpressionSnippet x when e.value() != null -> out.println(x.name() + " ==> " + e.value());
            case MethodSnippet m -> out.println("created method " + m.name() + "(" + m.parameterTypes() + ")");
            case TypeDeclSnippet t ->
                out.println("created "
                        + t.subKind()
                                .name()
                                .toLowerCase(Locale.ROOT)
                                .replace("_subkind", "")
                                .replace('_', ' ') + " " + t.name());
            default -> {}
        }
        if (e.status() == Snippet.Status.RECOVERABLE_DEFINED || e.status() == Snippet.Status.RECOVERABLE_NOT_DEFINED) {
            out.println("  (cannot be used until "
                    + jshell.unresolvedDependencies((DeclarationSnippet) snippet)
                            .collect(Collectors.joining(", "))
                    + " is defined)");
        }
        return true;
    }

    private static String describe(Exception e) {
        return switch (e) {
            case EvalException x ->
                simpleName(x.getExceptionClassName()) + (x.getMessage() == null ? "" : ": " + x.getMessage());
            case UnresolvedReferenceException u ->
                "cannot use " + u.getSnippet().source().strip() + " until what it needs is defined";
            default -> e.toString();
        };
    }

    private static String simpleName(String className) {
        String name = className.substring(className.lastIndexOf('.') + 1);
        return name.substring(name.lastIndexOf('$') + 1);
    }

    /** Hands JShell this session's execution control. */
    private record Provider(ExecutionControl control) implements ExecutionControlProvider {
        @Override
        public String name() {
            return "fleet-shell";
        }

        @Override
        public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
            return control;
        }
    }

    /** Snippets may call {@code System.out.close()}; the session's stream and the terminal stay open. */
    private static final class Unclosable extends PrintStream {
        Unclosable(OutputStream terminal) {
            super(terminal, true, StandardCharsets.UTF_8);
        }

        @Override
        public void close() {
            flush();
        }
    }
}
