package org.visorfleet.server.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.visorfleet.server.grid.QuorumValidator.Result;
import org.visorfleet.server.grid.QuorumValidator.Verdict;

class QuorumValidatorTest {
    static final Result A = new Result("a", "good", 100);
    static final Result B = new Result("b", "good", 100);
    static final Result C = new Result("c", "good", 100);
    static final Result CHEAT = new Result("x", "forged", 100);

    @Test
    void twoAgreeingOfTwoIsValid() {
        Verdict v = QuorumValidator.judge(List.of(A, B), 2, 4);
        assertEquals(new Verdict.Valid(A, Set.of("a", "b"), Set.of()), v);
    }

    @Test
    void aDisagreementNeedsOneMoreAndTheLoserIsFlaggedOnceQuorumComes() {
        assertEquals(new Verdict.NeedMore(1), QuorumValidator.judge(List.of(A, CHEAT), 2, 4));
        Verdict v = QuorumValidator.judge(List.of(A, CHEAT, C), 2, 4);
        assertEquals(new Verdict.Valid(A, Set.of("a", "c"), Set.of("x")), v);
    }

    @Test
    void sameOutputWithAnotherInstructionCountDisagrees() {
        Result slowLie = new Result("y", "good", 99);
        assertEquals(new Verdict.NeedMore(1), QuorumValidator.judge(List.of(A, slowLie), 2, 3));
    }

    @Test
    void oneAgentCannotOutvoteOthers() {
        Result again = new Result("x", "forged", 100);
        assertEquals(new Verdict.NeedMore(1), QuorumValidator.judge(List.of(CHEAT, again, A), 2, 5));
    }

    @Test
    void tooManyDifferentAnswersFail() {
        List<Result> all = List.of(
                new Result("a", "1", 1), new Result("b", "2", 1), new Result("c", "3", 1), new Result("d", "4", 1));
        Verdict v = QuorumValidator.judge(all, 2, 4);
        assertInstanceOf(Verdict.Failed.class, v);
        assertTrue(((Verdict.Failed) v).why().contains("4 different answers"), v.toString());
    }

    @Test
    void nothingYetNeedsAQuorum() {
        assertEquals(new Verdict.NeedMore(3), QuorumValidator.judge(List.of(), 3, 5));
        assertThrows(IllegalArgumentException.class, () -> QuorumValidator.judge(List.of(), 0, 5));
        assertThrows(IllegalArgumentException.class, () -> QuorumValidator.judge(List.of(), 3, 2));
    }

    /** Seeded random orders of honest and cheating results: the verdict never depends on arrival order. */
    @Test
    void verdictIsTheSameInAnyOrder() {
        SplittableRandom random = new SplittableRandom(0x0B01C);
        for (int round = 0; round < 2_000; round++) {
            int honest = 2 + random.nextInt(3);
            int cheats = random.nextInt(honest);
            List<Result> results = new ArrayList<>();
            for (int i = 0; i < honest; i++) {
                results.add(new Result("h" + i, "good", 7));
            }
            for (int i = 0; i < cheats; i++) {
                results.add(new Result("c" + i, "bad" + random.nextInt(2), 7));
            }
            Collections.shuffle(results, new java.util.Random(random.nextLong()));
            Verdict v = QuorumValidator.judge(results, 2, honest + cheats + 1);
            Verdict.Valid valid = assertInstanceOf(Verdict.Valid.class, v, results.toString());
            assertEquals("good", valid.canonical().fingerprint());
            assertEquals(cheats, valid.losers().size());
        }
    }
}
