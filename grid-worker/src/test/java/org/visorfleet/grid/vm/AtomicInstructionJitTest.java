package org.visorfleet.grid.vm;

import org.junit.jupiter.api.extension.ExtendWith;

/** The tests of {@link AtomicInstructionTest}, run by translated code. */
@ExtendWith(ForcedTranslation.class)
class AtomicInstructionJitTest extends AtomicInstructionTest {}
