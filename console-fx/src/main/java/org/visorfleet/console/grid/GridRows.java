package org.visorfleet.console.grid;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;

/** The grid's rows as the API gives them ({@code docs/api.md}, "Grid"), read from its JSON. */
final class GridRows {

    private static final ObjectMapper JSON = new ObjectMapper();

    private GridRows() {}

    /** A job in the listing; {@code status} is running, done or cancelled. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Job(
            long id,
            String name,
            String status,
            int unitsTotal,
            int unitsValid,
            int unitsFailed,
            int unitsRunning,
            String submittedBy,
            long submittedAt,
            Long finishedAt) {

        /** Decided units (valid or failed) of all, 0..1. */
        double progress() {
            return unitsTotal == 0 ? 0 : (double) (unitsValid + unitsFailed) / unitsTotal;
        }

        /** The status with a sign, so it reads without colour. */
        String statusText() {
            return switch (status) {
                case "running" -> "▶ running";
                case "done" -> unitsFailed == 0 ? "✔ done" : "⚠ done, " + unitsFailed + " failed";
                case "cancelled" -> "✖ cancelled";
                default -> status;
            };
        }
    }

    /** One replica of a unit. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Replica(
            String client,
            String status,
            String validity,
            String kind,
            Integer exitStatus,
            Long instructions,
            String sha256) {}

    /** One unit with its replicas; {@code canonicalSha256} is set once a quorum agreed. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Unit(int index, String status, String canonicalSha256, String failure, List<Replica> replicas) {

        /** The replica whose result became canonical, or null before the unit is valid. */
        Replica canonical() {
            if (canonicalSha256 == null || replicas == null) {
                return null;
            }
            return replicas.stream()
                    .filter(r -> canonicalSha256.equals(r.sha256()))
                    .findFirst()
                    .orElse(null);
        }
    }

    /** A client's grid standing: credit is the instructions retired in valid results. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Agent(String name, long credit, int valid, int invalid, int errors, boolean flagged) {}

    /** The first line(s) of {@code text} in one line, newlines shown as ⏎, at most {@code max} characters. */
    static String preview(String text, int max) {
        String oneLine = text.replace("\r", "").replace("\n", "⏎");
        return oneLine.length() <= max ? oneLine : oneLine.substring(0, max) + "…";
    }
}
