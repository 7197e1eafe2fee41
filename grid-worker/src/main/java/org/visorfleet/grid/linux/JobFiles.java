package org.visorfleet.grid.linux;

import java.util.Map;
import java.util.Set;

/**
 * The files a work unit may see. The guest's working directory is {@link #CWD}; a name {@code N}
 * is reachable as {@code N}, {@code ./N} or {@code /work/N}. Inputs are read-only; outputs can only
 * be created or truncated (O_WRONLY/O_RDWR with O_CREAT) and are captured. Nothing else exists.
 *
 * @param programName file name of the executable: argv[0] and /proc/self/exe is {@code /work/NAME}
 * @param stdin bytes returned by reads from fd 0, then end of file
 * @param inputs declared input files, name to contents
 * @param outputs declared output file names
 */
public record JobFiles(String programName, byte[] stdin, Map<String, byte[]> inputs, Set<String> outputs) {
    public static final String CWD = "/work";

    public JobFiles {
        checkName(programName);
        stdin = stdin.clone();
        inputs = Map.copyOf(inputs);
        outputs = Set.copyOf(outputs);
        for (String name : inputs.keySet()) {
            checkName(name);
            if (outputs.contains(name)) {
                throw new IllegalArgumentException("file is both input and output: " + name);
            }
        }
        outputs.forEach(JobFiles::checkName);
    }

    /** A job with no stdin and no files. */
    public static JobFiles of(String programName) {
        return new JobFiles(programName, new byte[0], Map.of(), Set.of());
    }

    private static void checkName(String name) {
        if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..") || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("file name must be one path component: \"" + name + "\"");
        }
    }
}
