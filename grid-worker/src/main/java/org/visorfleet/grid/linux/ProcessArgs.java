package org.visorfleet.grid.linux;

import java.util.ArrayList;
import java.util.List;

/**
 * What the initial stack carries besides the aux vector's image data.
 *
 * @param argv argv[0] first
 * @param env environment strings {@code NAME=value}
 * @param execfn AT_EXECFN, the path the program was run as
 * @param atRandom the 16 bytes AT_RANDOM points at (glibc's stack guard and pointer guard)
 */
public record ProcessArgs(List<String> argv, List<String> env, String execfn, byte[] atRandom) {
    /** The fixed environment of every work unit. */
    public static final List<String> DEFAULT_ENV = List.of("PATH=/", "HOME=/work", "LANG=C");

    public ProcessArgs {
        argv = List.copyOf(argv);
        env = List.copyOf(env);
        if (argv.isEmpty() || atRandom.length != 16) {
            throw new IllegalArgumentException("argv needs argv[0] and AT_RANDOM 16 bytes");
        }
        for (String s : argv) {
            checkString(s);
        }
        env.forEach(ProcessArgs::checkString);
        checkString(execfn);
        atRandom = atRandom.clone();
    }

    /**
     * argv = [programName, args...], {@link #DEFAULT_ENV}, AT_EXECFN = /work/programName, AT_RANDOM
     * from {@link SplitMix64} seeded with {@code seed ^ SplitMix64.AT_RANDOM_STREAM}.
     */
    public static ProcessArgs of(String programName, List<String> args, long seed) {
        List<String> argv = new ArrayList<>();
        argv.add(programName);
        argv.addAll(args);
        byte[] random = new byte[16];
        new SplitMix64(seed ^ SplitMix64.AT_RANDOM_STREAM).nextBytes(random, 0, 16);
        return new ProcessArgs(argv, DEFAULT_ENV, JobFiles.CWD + "/" + programName, random);
    }

    private static void checkString(String s) {
        if (s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("argument or environment string contains NUL");
        }
    }
}
