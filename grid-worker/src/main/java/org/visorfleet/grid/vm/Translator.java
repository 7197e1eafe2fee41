package org.visorfleet.grid.vm;

import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * When a {@link Hart} translates guest code to JVM bytecode, and the translations of its recently
 * executed pages (a direct-mapped table by page number: a page pushed out merely loses its
 * translations, which are rebuilt when it gets hot again).
 *
 * <p>A block start (a slot reached by a taken branch or jump, or the first slot entered in a page) is
 * translated once it was entered more than {@code threshold} times. The threshold comes from the system
 * property {@value #THRESHOLD_PROPERTY}: a number, or {@code off} to interpret only. Translation does not
 * change what a program computes or where a budget stops it, only how fast it runs. Translating early
 * pays: a translation only gets fast once the JVM compiled it, which takes a while (on
 * bench/grid-vs-qemu.sh a threshold of 1000 was markedly slower than 50 or 100).
 */
final class Translator {
    static final String THRESHOLD_PROPERTY = "visorfleet.grid.jit.threshold";
    static final int DEFAULT_THRESHOLD = 50;
    /** Threshold value meaning: never translate. */
    static final int OFF = -1;

    private static final LongAdder TOTAL = new LongAdder();
    private static final Logger LOG = Logger.getLogger(Translator.class.getName());
    private static final int TABLE = 4096;

    private final int threshold;
    private final TranslatedPage[] pages = new TranslatedPage[TABLE];
    private long regions;
    private long instructions;

    private Translator(int threshold) {
        this.threshold = threshold;
    }

    /** A translator with {@code threshold}, or null for {@link #OFF}. */
    static Translator withThreshold(int threshold) {
        return threshold < 0 ? null : new Translator(threshold);
    }

    /** The threshold set by {@value #THRESHOLD_PROPERTY}, {@link #DEFAULT_THRESHOLD} when unset. */
    static int configuredThreshold() {
        String value = System.getProperty(THRESHOLD_PROPERTY);
        if (value == null || value.isBlank()) {
            return DEFAULT_THRESHOLD;
        }
        if (value.strip().equalsIgnoreCase("off")) {
            return OFF;
        }
        try {
            return Math.max(OFF, Integer.parseInt(value.strip()));
        } catch (NumberFormatException e) {
            LOG.warning(() ->
                    THRESHOLD_PROPERTY + "=" + value + " is neither a number nor 'off'; using " + DEFAULT_THRESHOLD);
            return DEFAULT_THRESHOLD;
        }
    }

    /** The translations of {@code page}'s current decoded code {@code code}. */
    TranslatedPage pageFor(Page page, long[] code) {
        int i = (int) page.vpn & (TABLE - 1);
        TranslatedPage translated = pages[i];
        if (translated == null || translated.code != code) {
            translated = new TranslatedPage(code, page.vpn << GuestMemory.PAGE_SHIFT, this);
            pages[i] = translated;
        }
        return translated;
    }

    int threshold() {
        return threshold;
    }

    /** Exits to slots that were undecoded when a region was built, before it is rebuilt. */
    int missLimit() {
        return threshold == 0 ? 0 : 64;
    }

    int maxRegionsPerPage() {
        return 64;
    }

    /**
     * Instructions per region at most. Measured on bench/grid-vs-qemu.sh: 32 warms up several times
     * faster than 96 or 128 (C2 compile time), and region-to-region transfers stay cheap.
     */
    int maxInstructions() {
        return 32;
    }

    void translated(int size) {
        regions++;
        TOTAL.increment();
        instructions += size;
    }

    /** Regions translated by all harts of this JVM (for tests). */
    static long totalRegions() {
        return TOTAL.sum();
    }

    /** Regions translated so far (for tests and diagnostics). */
    long regions() {
        return regions;
    }

    long translatedInstructions() {
        return instructions;
    }

    void failed(Throwable e) {
        LOG.log(Level.WARNING, "guest code translation failed; interpreting that code", e);
    }
}
