package org.visorfleet.grid.vm;

import org.junit.jupiter.api.extension.ExtendWith;

/** The tests of {@link CompressedTest}, run by translated code. */
@ExtendWith(ForcedTranslation.class)
class CompressedJitTest extends CompressedTest {}
