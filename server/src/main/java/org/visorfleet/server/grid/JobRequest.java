package org.visorfleet.server.grid;

import java.util.List;
import java.util.Map;

/**
 * {@code POST /api/v1/jobs} as sent; every optional field may be null (see {@link JobSpec#from} for
 * the defaults and the rules).
 */
public record JobRequest(
        String name,
        String program,
        String programName,
        List<String> outputs,
        List<Unit> units,
        Integer replication,
        Integer quorum,
        Integer maxResults,
        Long deadlineSeconds,
        Long instructionBudget,
        Integer memoryMb,
        Integer outputMb) {

    /** One work unit: arguments, standard input and input files by SHA-256, and an optional seed. */
    public record Unit(List<String> args, String stdin, Map<String, String> inputs, Long seed) {}
}
