package org.visorfleet.grid.vm;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The tests of {@link FpQemuVectorsTest}, run by translated code. */
class FpQemuVectorsJitTest extends FpQemuVectorsTest {
    @BeforeAll
    static void translate() {
        ForcedTranslation.on();
    }

    @AfterAll
    static void interpretAgain() {
        ForcedTranslation.off();
    }
}
