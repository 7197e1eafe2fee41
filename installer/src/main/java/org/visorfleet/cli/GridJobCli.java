package org.visorfleet.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code visorfleet grid submit|jobs|status|results|cancel|agents|unflag}: volunteer-computing jobs
 * on the fleet's idle desktops, through the server's API.
 */
final class GridJobCli {
    private GridJobCli() {}

    private static final ObjectMapper JOB_FILE = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /**
     * A job description file. File names are paths relative to the job file; everything but
     * {@code program} and {@code units} is optional.
     */
    record JobFile(
            String name,
            String program,
            List<String> outputs,
            Integer replication,
            Integer quorum,
            Integer maxResults,
            Long deadlineSeconds,
            Long instructionBudget,
            Integer memoryMb,
            List<UnitFile> units) {}

    /** One work unit of a job file. */
    record UnitFile(List<String> args, String stdin, Map<String, String> inputs, Long seed) {}

    @Command(
            name = "submit",
            mixinStandardHelpOptions = true,
            description = {
                "Submit a job: a RISC-V (RV64) static ELF program and its work units, run on idle desktops and"
                        + " validated by quorum. Prints the job id.",
                "Either PROGRAM with --unit/--units-file (one unit per line; arguments split at spaces), or"
                        + " --job FILE.json (per-unit arguments, stdin and input files; see the README)."
            })
    static final class Submit extends AdminCommand {
        @Parameters(arity = "0..1", paramLabel = "PROGRAM", description = "the program (not with --job)")
        Path program;

        @Option(names = "--job", paramLabel = "FILE", description = "a job description (JSON)")
        Path jobFile;

        @Option(names = "--unit", paramLabel = "ARGS", description = "one work unit's arguments; repeatable")
        List<String> unitArgs = new ArrayList<>();

        @Option(names = "--units-file", paramLabel = "FILE", description = "one work unit per line: its arguments")
        Path unitsFile;

        @Option(names = "--name", paramLabel = "NAME", description = "job name (default: the program's file name)")
        String name;

        @Option(names = "--input", paramLabel = "NAME=FILE", description = "an input file every unit gets; repeatable")
        List<String> inputs = new ArrayList<>();

        @Option(names = "--stdin", paramLabel = "FILE", description = "standard input of every unit")
        Path stdin;

        @Option(names = "--output", paramLabel = "NAME", description = "an output file to collect; repeatable")
        List<String> outputs = new ArrayList<>();

        @Option(names = "--replication", paramLabel = "N", description = "replicas per unit (server default 2)")
        Integer replication;

        @Option(names = "--quorum", paramLabel = "N", description = "agreeing results needed (default: replication)")
        Integer quorum;

        @Option(
                names = "--max-results",
                paramLabel = "N",
                description = "replicas ever issued per unit, reissues included")
        Integer maxResults;

        @Option(names = "--deadline", paramLabel = "SECONDS", description = "reissue a replica not back by then")
        Long deadlineSeconds;

        @Option(names = "--budget", paramLabel = "INSTRUCTIONS", description = "instruction budget per unit")
        Long budget;

        @Option(names = "--memory", paramLabel = "MB", description = "guest memory per unit, MiB")
        Integer memoryMb;

        @Option(names = "--wait", description = "wait until the job is done; exit 1 if any unit failed")
        boolean await;

        @Override
        public Integer call() throws Exception {
            JobFile job = describe();
            Path base =
                    jobFile == null ? Path.of(".") : jobFile.toAbsolutePath().getParent();
            ApiSession api = api();
            Map<Path, String> uploaded = new LinkedHashMap<>();
            String programSha = upload(api, base.resolve(job.program()), uploaded);
            List<Map<String, Object>> units = new ArrayList<>();
            for (UnitFile unit : job.units()) {
                Map<String, Object> u = new LinkedHashMap<>();
                u.put("args", unit.args() == null ? List.of() : unit.args());
                u.put("stdin", unit.stdin() == null ? null : upload(api, base.resolve(unit.stdin()), uploaded));
                Map<String, String> files = new LinkedHashMap<>();
                if (unit.inputs() != null) {
                    for (var e : unit.inputs().entrySet()) {
                        files.put(e.getKey(), upload(api, base.resolve(e.getValue()), uploaded));
                    }
                }
                u.put("inputs", files);
                if (unit.seed() != null) {
                    u.put("seed", unit.seed());
                }
                units.add(u);
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put(
                    "name",
                    job.name() != null
                            ? job.name()
                            : Path.of(job.program()).getFileName().toString());
            body.put("program", programSha);
            body.put("programName", Path.of(job.program()).getFileName().toString());
            body.put("outputs", job.outputs() == null ? List.of() : job.outputs());
            body.put("units", units);
            putIfSet(body, "replication", job.replication());
            putIfSet(body, "quorum", job.quorum());
            putIfSet(body, "maxResults", job.maxResults());
            putIfSet(body, "deadlineSeconds", job.deadlineSeconds());
            putIfSet(body, "instructionBudget", job.instructionBudget());
            putIfSet(body, "memoryMb", job.memoryMb());
            JsonNode created = api.post("/api/v1/jobs", body);
            long id = created.get("id").asLong();
            err().printf(
                            "submitted job %d (%s): %d units, %d replicas each, quorum %d, %d file(s) uploaded%n",
                            id,
                            created.path("name").asText(),
                            units.size(),
                            created.path("replication").asInt(),
                            created.path("quorum").asInt(),
                            uploaded.size());
            err().flush();
            out().println(id);
            out().flush();
            return await ? GridJobCli.await(api, id, err()) : 0;
        }

        /** The job file, or one built from the command line; command-line settings win. */
        private JobFile describe() throws IOException {
            JobFile base;
            if (jobFile != null) {
                if (program != null || !unitArgs.isEmpty() || unitsFile != null) {
                    throw new IllegalArgumentException("--job describes program and units; give neither PROGRAM"
                            + " nor --unit/--units-file with it");
                }
                try {
                    base = JOB_FILE.readValue(Files.readString(jobFile), JobFile.class);
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IOException(jobFile + ": " + e.getOriginalMessage());
                }
                if (base.program() == null
                        || base.units() == null
                        || base.units().isEmpty()) {
                    throw new IOException(jobFile + ": needs \"program\" and at least one of \"units\"");
                }
            } else {
                if (program == null) {
                    throw new IllegalArgumentException("give PROGRAM (with --unit or --units-file) or --job FILE");
                }
                List<List<String>> argLists = new ArrayList<>();
                unitArgs.forEach(a -> argLists.add(split(a)));
                if (unitsFile != null) {
                    for (String line : Files.readAllLines(unitsFile)) {
                        if (!line.isBlank() && !line.strip().startsWith("#")) {
                            argLists.add(split(line));
                        }
                    }
                }
                if (argLists.isEmpty()) {
                    argLists.add(List.of()); // one unit without arguments
                }
                List<UnitFile> units = argLists.stream()
                        .map(a -> new UnitFile(a, null, null, null))
                        .toList();
                base = new JobFile(null, program.toString(), List.of(), null, null, null, null, null, null, units);
            }
            Map<String, String> shared = new LinkedHashMap<>();
            for (String spec : inputs) {
                int eq = spec.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("--input wants NAME=FILE, got '" + spec + "'");
                }
                shared.put(
                        spec.substring(0, eq),
                        Path.of(spec.substring(eq + 1)).toAbsolutePath().toString());
            }
            List<UnitFile> units = new ArrayList<>();
            for (UnitFile u : base.units()) {
                Map<String, String> files = new LinkedHashMap<>(shared);
                if (u.inputs() != null) {
                    files.putAll(u.inputs());
                }
                String in = stdin != null ? stdin.toAbsolutePath().toString() : u.stdin();
                units.add(new UnitFile(u.args(), in, files, u.seed()));
            }
            List<String> outs = new ArrayList<>(base.outputs() == null ? List.of() : base.outputs());
            outs.addAll(outputs);
            return new JobFile(
                    name != null ? name : base.name(),
                    base.program(),
                    outs,
                    replication != null ? replication : base.replication(),
                    quorum != null ? quorum : base.quorum(),
                    maxResults != null ? maxResults : base.maxResults(),
                    deadlineSeconds != null ? deadlineSeconds : base.deadlineSeconds(),
                    budget != null ? budget : base.instructionBudget(),
                    memoryMb != null ? memoryMb : base.memoryMb(),
                    units);
        }

        private static List<String> split(String args) {
            String trimmed = args.strip();
            return trimmed.isEmpty() ? List.of() : List.of(trimmed.split("\\s+"));
        }

        private static void putIfSet(Map<String, Object> body, String key, Object value) {
            if (value != null) {
                body.put(key, value);
            }
        }

        /** Uploads a local file once per command; returns its SHA-256. */
        private static String upload(ApiSession api, Path file, Map<Path, String> done)
                throws IOException, InterruptedException {
            Path key = file.toAbsolutePath().normalize();
            String known = done.get(key);
            if (known != null) {
                return known;
            }
            String sha = Sha256Files.of(key);
            api.upload("/api/v1/grid/files?sha256=" + sha, key);
            done.put(key, sha);
            return sha;
        }
    }

    /** Polls the job until it is no longer running; 0 when every unit is valid. */
    static int await(ApiSession api, long id, java.io.PrintWriter err) throws IOException, InterruptedException {
        String last = "";
        while (true) {
            JsonNode job = api.get("/api/v1/jobs/" + id);
            String progress = progress(job);
            if (!progress.equals(last)) {
                err.println("job " + id + ": " + progress);
                err.flush();
                last = progress;
            }
            if (!"running".equals(job.path("status").asText())) {
                return job.path("unitsFailed").asInt() == 0
                                && "done".equals(job.path("status").asText())
                        ? 0
                        : 1;
            }
            Thread.sleep(1_000);
        }
    }

    private static String progress(JsonNode job) {
        return job.path("status").asText() + ", " + job.path("unitsValid").asInt() + "/"
                + job.path("unitsTotal").asInt() + " units valid, "
                + job.path("unitsFailed").asInt() + " failed";
    }

    @Command(name = "jobs", mixinStandardHelpOptions = true, description = "List grid jobs, newest first.")
    static final class Jobs extends AdminCommand {
        @Override
        public Integer call() throws Exception {
            JsonNode jobs = api().get("/api/v1/jobs");
            Table table = new Table("ID", "NAME", "STATUS", "UNITS", "VALID", "FAILED", "SUBMITTED", "BY");
            for (JsonNode j : jobs.get("items")) {
                table.row(
                        j.get("id").asLong(),
                        j.get("name").asText(),
                        j.get("status").asText(),
                        j.path("unitsTotal").asInt(),
                        j.path("unitsValid").asInt(),
                        j.path("unitsFailed").asInt(),
                        Table.time(j.get("submittedAt")),
                        j.path("submittedBy").asText());
            }
            table.print(out());
            return 0;
        }
    }

    @Command(
            name = "status",
            mixinStandardHelpOptions = true,
            description = "A job's units: status, canonical result, and every replica.")
    static final class Status extends AdminCommand {
        @Parameters(paramLabel = "JOB")
        long id;

        @Override
        public Integer call() throws Exception {
            ApiSession api = api();
            JsonNode job = api.get("/api/v1/jobs/" + id);
            out().println("job " + id + " (" + job.path("name").asText() + "): " + progress(job));
            Table table = new Table("UNIT", "STATUS", "CANONICAL", "REPLICAS");
            for (JsonNode u : api.get("/api/v1/jobs/" + id + "/units").get("items")) {
                List<String> replicas = new ArrayList<>();
                for (JsonNode r : u.get("replicas")) {
                    replicas.add(
                            r.path("client").asText() + ":" + r.path("validity").asText());
                }
                table.row(
                        u.get("index").asInt(),
                        u.get("status").asText(),
                        u.path("canonicalSha256").isTextual()
                                ? u.get("canonicalSha256").asText().substring(0, 16)
                                : null,
                        String.join(" ", replicas));
            }
            table.print(out());
            return 0;
        }
    }

    @Command(
            name = "results",
            mixinStandardHelpOptions = true,
            description = "Download the canonical results of a job's valid units into DIR/unit-N/ (stdout, stderr,"
                    + " output files).")
    static final class Results extends AdminCommand {
        @Parameters(paramLabel = "JOB")
        long id;

        @Option(names = "--dir", paramLabel = "DIR", description = "where to put them (default: job-JOB)")
        Path dir;

        @Override
        public Integer call() throws Exception {
            ApiSession api = api();
            Path target = dir != null ? dir : Path.of("job-" + id);
            JsonNode job = api.get("/api/v1/jobs/" + id);
            List<String> names = new ArrayList<>(List.of("stdout", "stderr"));
            job.path("outputs").forEach(o -> names.add(o.asText()));
            int downloaded = 0;
            int missing = 0;
            for (JsonNode u : api.get("/api/v1/jobs/" + id + "/units").get("items")) {
                if (!"valid".equals(u.get("status").asText())) {
                    missing++;
                    continue;
                }
                Path unitDir = target.resolve("unit-" + u.get("index").asInt());
                Files.createDirectories(unitDir);
                for (String name : names) {
                    try {
                        api.download(
                                "/api/v1/jobs/" + id + "/units/"
                                        + u.get("index").asInt() + "/files/" + ApiSession.encode(name),
                                unitDir.resolve(name));
                    } catch (IOException e) {
                        if (!e.getMessage().contains("-> 404")) {
                            throw e;
                        }
                        // an output this unit did not produce
                    }
                }
                downloaded++;
            }
            out().println("downloaded " + downloaded + " unit(s) into " + target
                    + (missing > 0 ? "; " + missing + " unit(s) without a valid result" : ""));
            return missing == 0 ? 0 : 1;
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel a job; running replicas stop.")
    static final class Cancel extends AdminCommand {
        @Parameters(paramLabel = "JOB")
        long id;

        @Override
        public Integer call() throws Exception {
            api().delete("/api/v1/jobs/" + id);
            out().println("cancelled job " + id);
            return 0;
        }
    }

    @Command(
            name = "purge",
            mixinStandardHelpOptions = true,
            description = "Delete a finished or cancelled job and its results; files no other job uses are freed"
                    + " within the hour.")
    static final class Purge extends AdminCommand {
        @Parameters(paramLabel = "JOB")
        long id;

        @Override
        public Integer call() throws Exception {
            JsonNode purged = api().post("/api/v1/jobs/" + id + "/purge", Map.of());
            out().println("purged job " + id + ": " + purged.path("units").asInt() + " units, "
                    + purged.path("replicas").asInt() + " replicas");
            return 0;
        }
    }

    @Command(
            name = "agents",
            mixinStandardHelpOptions = true,
            description = "Desktops' grid credit (instructions of valid results), results, flags and state.")
    static final class Agents extends AdminCommand {
        @Override
        public Integer call() throws Exception {
            JsonNode agents = api().get("/api/v1/grid/agents");
            Table table = new Table("CLIENT", "CREDIT", "VALID", "INVALID", "ERRORS", "FLAGGED", "STATE");
            for (JsonNode a : agents.get("items")) {
                JsonNode status = a.path("status");
                String state = status.isObject()
                        ? (status.path("idle").asBoolean() ? "idle" : "busy") + ", "
                                + status.path("running").asInt() + " running: "
                                + status.path("reason").asText()
                        : "-";
                table.row(
                        a.get("name").asText(),
                        a.path("credit").asLong(),
                        a.path("valid").asLong(),
                        a.path("invalid").asLong(),
                        a.path("errors").asLong(),
                        a.path("flagged").asBoolean()
                                ? "yes: " + a.path("flagReason").asText()
                                : "",
                        state);
            }
            table.print(out());
            return 0;
        }
    }

    @Command(
            name = "unflag",
            mixinStandardHelpOptions = true,
            description = "Trust a flagged desktop again (it gets grid work again).")
    static final class Unflag extends AdminCommand {
        @Parameters(paramLabel = "CLIENT")
        String client;

        @Override
        public Integer call() throws Exception {
            api().post("/api/v1/grid/agents/" + ApiSession.encode(client) + "/unflag", Map.of());
            out().println("unflagged " + client);
            return 0;
        }
    }
}
