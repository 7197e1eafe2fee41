package org.visorfleet.grid.vm;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test class's tests with translation forced ({@code @ExtendWith(ForcedTranslation.class)}):
 * every hart created meanwhile translates a block start from its first entry on (threshold 0), and
 * {@link TestMachine} decodes loaded programs up front so that even straight-line code is translated.
 * Tests run one class at a time in one JVM here, so a system property is enough. A class during
 * which nothing was translated fails: it would only have repeated the interpreter's tests.
 */
final class ForcedTranslation implements BeforeAllCallback, AfterAllCallback {
    private String saved;
    private long regionsBefore;

    @Override
    public void beforeAll(ExtensionContext context) {
        regionsBefore = Translator.totalRegions();
        saved = System.getProperty(Translator.THRESHOLD_PROPERTY);
        System.setProperty(Translator.THRESHOLD_PROPERTY, "0");
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (saved == null) {
            System.clearProperty(Translator.THRESHOLD_PROPERTY);
        } else {
            System.setProperty(Translator.THRESHOLD_PROPERTY, saved);
        }
        if (Translator.totalRegions() == regionsBefore) {
            throw new AssertionError(context.getDisplayName() + " translated no code although translation was forced");
        }
    }
}
