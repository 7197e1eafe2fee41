package org.visorfleet.grid.vm;

/**
 * Runs a test class's tests with translation forced: every hart created meanwhile translates a block
 * start from its first entry on (threshold 0), and {@link TestMachine} decodes loaded programs up front
 * so that even straight-line code is translated. Tests run one class at a time in one JVM here, so a
 * system property is enough.
 */
final class ForcedTranslation {
    private static String saved;

    private ForcedTranslation() {}

    static void on() {
        saved = System.getProperty(Translator.THRESHOLD_PROPERTY);
        System.setProperty(Translator.THRESHOLD_PROPERTY, "0");
    }

    static void off() {
        if (saved == null) {
            System.clearProperty(Translator.THRESHOLD_PROPERTY);
        } else {
            System.setProperty(Translator.THRESHOLD_PROPERTY, saved);
        }
    }
}
