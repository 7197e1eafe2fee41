package org.visorfleet.grid.vm;

import org.junit.jupiter.api.extension.ExtendWith;

/** The tests of {@link FpQemuVectorsTest}, run by translated code. */
@ExtendWith(ForcedTranslation.class)
class FpQemuVectorsJitTest extends FpQemuVectorsTest {}
