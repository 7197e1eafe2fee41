package org.visorfleet.server.grid;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * BOINC-style bitwise validation of one work unit: results agree when everything the sandbox
 * produced is identical (their {@link Result#fingerprint}: a digest over stdout, stderr, output
 * files and exit status, plus the instruction count). A work unit is valid once {@code quorum}
 * results agree; the first of them is canonical, and the agents whose results differ are flagged.
 * Deterministic runs make any disagreement a wrong result (a faulty machine or a cheat).
 */
public final class QuorumValidator {

    /** One returned result; {@code agent} is the client that ran it. */
    public record Result(String agent, String fingerprint, long instructions) {}

    /** What to do with a work unit after its latest result. */
    public sealed interface Verdict {
        /** No quorum yet: {@code more} further agreeing results could make one; issue them. */
        record NeedMore(int more) implements Verdict {}

        /** Quorum reached. {@code losers}: agents whose results disagree with the canonical one. */
        record Valid(Result canonical, Set<String> agreeing, Set<String> losers) implements Verdict {}

        /** No quorum is possible within {@code maxResults} results: the unit fails. */
        record Failed(String why) implements Verdict {}
    }

    private QuorumValidator() {}

    /**
     * Judges the results returned so far ({@code quorum} ≥ 1; at most {@code maxResults} results are
     * ever issued for the unit, counting the original replicas and every reissue). One agent counts
     * once: a second result from the same agent is ignored, so one machine cannot outvote others.
     */
    public static Verdict judge(List<Result> results, int quorum, int maxResults) {
        if (quorum < 1 || maxResults < quorum) {
            throw new IllegalArgumentException("need 1 <= quorum <= maxResults, got " + quorum + ", " + maxResults);
        }
        Map<String, List<Result>> groups = new LinkedHashMap<>();
        Set<String> seen = new TreeSet<>();
        for (Result r : results) {
            if (seen.add(r.agent())) {
                groups.computeIfAbsent(r.fingerprint() + "/" + r.instructions(), k -> new ArrayList<>())
                        .add(r);
            }
        }
        List<Result> largest = List.of();
        for (List<Result> group : groups.values()) {
            if (group.size() > largest.size()) {
                largest = group;
            }
        }
        if (largest.size() >= quorum) {
            Result canonical = largest.getFirst();
            Set<String> agreeing = new TreeSet<>();
            largest.forEach(r -> agreeing.add(r.agent()));
            Set<String> losers = new TreeSet<>(seen);
            losers.removeAll(agreeing);
            return new Verdict.Valid(canonical, agreeing, losers);
        }
        int more = quorum - largest.size();
        if (seen.size() + more > maxResults) {
            return new Verdict.Failed("no " + quorum + " agreeing results among " + seen.size() + " ("
                    + groups.size() + " different answers) and only " + (maxResults - seen.size())
                    + " more may be issued");
        }
        return new Verdict.NeedMore(more);
    }
}
