package org.visorfleet.server.grid;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.visorfleet.server.Refusal;

/**
 * A checked job: {@link #from} applies the defaults and refuses (400, with the first problem found)
 * anything the scheduler or an agent could not run as asked, before anything is stored.
 */
public record JobSpec(
        String name,
        String program,
        String programName,
        List<String> outputs,
        List<UnitSpec> units,
        int replication,
        int quorum,
        int maxResults,
        long deadlineSeconds,
        long instructionBudget,
        int memoryMb,
        int outputMb) {

    /** One unit as stored; {@code seed} null means derived from the job id and the unit's index. */
    public record UnitSpec(List<String> args, String stdin, Map<String, String> inputs, Long seed) {}

    public static final int MAX_UNITS = 10_000;
    public static final int MAX_REPLICAS = 20;
    public static final int MAX_ARGS = 256;
    public static final int MAX_ARG_BYTES = 4096;
    public static final int MAX_FILES = 256;
    public static final long MAX_DEADLINE_SECONDS = 30L * 24 * 3600;
    public static final long MAX_INSTRUCTIONS = 1_000_000_000_000_000L;
    public static final int MAX_MEMORY_MB = 65_536;
    public static final int MAX_OUTPUT_MB = 4_096;

    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** Result file names the API uses for the captured streams; outputs may not take them. */
    public static final Set<String> STREAMS = Set.of("stdout", "stderr");

    /** Applies defaults and checks every rule; the files' existence is checked by the caller. */
    public static JobSpec from(JobRequest r) {
        String name = fileName("name", r.name());
        String program = GridBlobs.requireSha256("program", r.program());
        String programName = r.programName() == null ? name : fileName("programName", r.programName());
        List<String> outputs = new ArrayList<>();
        Set<String> seenOutputs = new HashSet<>();
        for (String output : r.outputs() == null ? List.<String>of() : r.outputs()) {
            fileName("output", output);
            if (STREAMS.contains(output)) {
                throw Refusal.invalid("output may not be named " + output + " (reserved for the captured stream)");
            }
            if (!seenOutputs.add(output)) {
                throw Refusal.invalid("output " + output + " declared twice");
            }
            outputs.add(output);
        }
        if (outputs.size() > MAX_FILES) {
            throw Refusal.invalid("at most " + MAX_FILES + " outputs");
        }
        if (r.units() == null || r.units().isEmpty() || r.units().size() > MAX_UNITS) {
            throw Refusal.invalid("units must list 1 to " + MAX_UNITS + " work units");
        }
        List<UnitSpec> units = new ArrayList<>();
        for (int i = 0; i < r.units().size(); i++) {
            units.add(unit(i, r.units().get(i)));
        }
        int replication = r.replication() == null ? 2 : r.replication();
        int quorum = r.quorum() == null ? replication : r.quorum();
        int maxResults = r.maxResults() == null ? Math.min(3 * replication, MAX_REPLICAS) : r.maxResults();
        if (quorum < 1 || replication < quorum || maxResults < replication || maxResults > MAX_REPLICAS) {
            throw Refusal.invalid("need 1 <= quorum <= replication <= maxResults <= " + MAX_REPLICAS + ", got quorum "
                    + quorum + ", replication " + replication + ", maxResults " + maxResults);
        }
        long deadline = range("deadlineSeconds", r.deadlineSeconds(), 3600L, 1, MAX_DEADLINE_SECONDS);
        long budget = range("instructionBudget", r.instructionBudget(), 100_000_000_000L, 1, MAX_INSTRUCTIONS);
        int memory = (int) range("memoryMb", r.memoryMb() == null ? null : (long) r.memoryMb(), 256L, 1, MAX_MEMORY_MB);
        int output = (int) range("outputMb", r.outputMb() == null ? null : (long) r.outputMb(), 64L, 1, MAX_OUTPUT_MB);
        return new JobSpec(
                name,
                program,
                programName,
                List.copyOf(outputs),
                List.copyOf(units),
                replication,
                quorum,
                maxResults,
                deadline,
                budget,
                memory,
                output);
    }

    /** Every file the job references (program, stdins, inputs), each once. */
    public Set<String> files() {
        Set<String> files = new LinkedHashSet<>();
        files.add(program);
        for (UnitSpec unit : units) {
            if (unit.stdin() != null) {
                files.add(unit.stdin());
            }
            files.addAll(unit.inputs().values());
        }
        return files;
    }

    private static UnitSpec unit(int index, JobRequest.Unit u) {
        String where = "unit " + index + ": ";
        if (u == null) {
            throw Refusal.invalid(where + "must be an object");
        }
        List<String> args = u.args() == null ? List.of() : u.args();
        if (args.size() > MAX_ARGS) {
            throw Refusal.invalid(where + "at most " + MAX_ARGS + " args");
        }
        for (String arg : args) {
            if (arg == null) {
                throw Refusal.invalid(where + "args may not contain null");
            }
            if (arg.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_ARG_BYTES
                    || arg.indexOf('\0') >= 0) {
                throw Refusal.invalid(where + "each arg at most " + MAX_ARG_BYTES + " bytes, without NUL");
            }
        }
        String stdin = u.stdin() == null ? null : GridBlobs.requireSha256(where + "stdin", u.stdin());
        Map<String, String> inputs = new TreeMap<>();
        if (u.inputs() != null) {
            if (u.inputs().size() > MAX_FILES) {
                throw Refusal.invalid(where + "at most " + MAX_FILES + " inputs");
            }
            for (var input : u.inputs().entrySet()) {
                fileName(where + "input", input.getKey());
                inputs.put(
                        input.getKey(), GridBlobs.requireSha256(where + "input " + input.getKey(), input.getValue()));
            }
        }
        return new UnitSpec(List.copyOf(args), stdin, inputs, u.seed());
    }

    private static String fileName(String what, String name) {
        if (name == null || !FILE_NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            String shown = name == null ? "(missing)" : name.length() > 80 ? name.substring(0, 80) + "..." : name;
            throw Refusal.invalid(what + " must match [A-Za-z0-9._-]{1,64} and not be . or ..: "
                    + shown.replaceAll("\\p{Cntrl}", "?"));
        }
        return name;
    }

    private static long range(String what, Long value, long fallback, long min, long max) {
        long v = value == null ? fallback : value;
        if (v < min || v > max) {
            throw Refusal.invalid(what + " must be between " + min + " and " + max + ", got " + v);
        }
        return v;
    }
}
