package org.visorfleet.grid.sandbox;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One run of a program: the ELF file, its arguments, stdin, the input files it may open (by name,
 * under {@code /work}), the output files it may create, and the seed of everything random it sees
 * ({@code getrandom}, {@code AT_RANDOM}). The same work unit gives the same result everywhere.
 */
public record WorkUnit(
        String programName,
        byte[] program,
        List<String> args,
        byte[] stdin,
        Map<String, byte[]> inputs,
        Set<String> outputs,
        long seed) {

    public WorkUnit {
        args = List.copyOf(args);
        inputs = Map.copyOf(inputs);
        outputs = Set.copyOf(outputs);
    }

    public static WorkUnit of(String programName, byte[] program, List<String> args) {
        return new WorkUnit(programName, program, args, new byte[0], Map.of(), Set.of(), 0);
    }
}
