package org.visorfleet.console.grid;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.stage.FileChooser;
import org.visorfleet.console.Background;
import org.visorfleet.console.Controls;
import org.visorfleet.console.api.ApiException;
import org.visorfleet.console.api.Session;

/**
 * The job submission form of the {@link GridView}: a RISC-V ELF program (typed or chosen with a file
 * chooser), arguments for every unit ({@code {unit}} stands for the unit's index), input files, the
 * number of units, replication and quorum. Submitting uploads the files ({@code POST
 * /api/v1/grid/files}, each once) and then the job ({@code POST /api/v1/jobs}), off the application
 * thread; the server's refusal, if any, is shown as it is.
 *
 * <p>Node ids: {@code programPath}, {@code browseProgram}, {@code jobName}, {@code jobArgs},
 * {@code jobInputs}, {@code browseInputs}, {@code jobUnits}, {@code jobReplication}, {@code jobQuorum},
 * {@code submitJob}, {@code submitStatus}.
 */
final class JobForm {

    /** A job as the form describes it, before anything is uploaded. */
    record Draft(
            Path program, String name, List<String> args, List<Path> inputs, int units, int replication, int quorum) {

        /** The arguments of unit {@code index}: {@code {unit}} replaced by the index. */
        List<String> argsOf(int index) {
            return args.stream()
                    .map(a -> a.replace("{unit}", Integer.toString(index)))
                    .toList();
        }
    }

    private final Session session;
    private final LongConsumer onSubmitted;
    private final TextField program = new TextField();
    private final TextField name = new TextField();
    private final TextField args = new TextField();
    private final TextField inputs = new TextField();
    private final Spinner<Integer> units = new Spinner<>(1, 10_000, 1);
    private final Spinner<Integer> replication = new Spinner<>(1, 20, 2);
    private final Spinner<Integer> quorum = new Spinner<>(1, 20, 2);
    private final Button submit = new Button("_Submit job");
    private final Label status = new Label();
    private final GridPane root = new GridPane(8, 6);

    /** @param onSubmitted called on the application thread with the new job's id */
    JobForm(Session session, LongConsumer onSubmitted) {
        this.session = session;
        this.onSubmitted = onSubmitted;
        field(program, "programPath", "Path of the RISC-V ELF program", 30);
        field(name, "jobName", "Job name (default: the program's file name)", 14);
        field(args, "jobArgs", "Arguments of every unit, {unit} is its index", 30);
        field(inputs, "jobInputs", "Input files, separated by " + File.pathSeparator, 30);
        for (var spinner : List.of(units, replication, quorum)) {
            spinner.setEditable(true);
            spinner.setPrefWidth(90);
        }
        units.setId("jobUnits");
        units.setAccessibleText("Number of work units");
        replication.setId("jobReplication");
        replication.setAccessibleText("Replicas per unit");
        quorum.setId("jobQuorum");
        quorum.setAccessibleText("Agreeing replicas that make a unit valid");
        Button browseProgram = new Button("_Browse…");
        browseProgram.setId("browseProgram");
        browseProgram.setAccessibleText("Choose the program file");
        browseProgram.setOnAction(e -> chooseProgram());
        Button browseInputs = new Button("Add _input…");
        browseInputs.setId("browseInputs");
        browseInputs.setAccessibleText("Add input files");
        browseInputs.setOnAction(e -> chooseInputs());
        submit.setId("submitJob");
        submit.setAccessibleText("Upload the files and submit the job");
        submit.setOnAction(e -> submit());
        status.setId("submitStatus");
        status.setAccessibleText("Submission status");
        status.setWrapText(true);

        root.addRow(
                0,
                Controls.mnemonicLabel("_Program", program),
                new HBox(6, program, browseProgram),
                Controls.mnemonicLabel("_Name", name),
                name);
        root.addRow(
                1, Controls.mnemonicLabel("_Arguments", args), args, Controls.mnemonicLabel("_Units", units), units);
        root.addRow(
                2,
                Controls.mnemonicLabel("In_puts", inputs),
                new HBox(6, inputs, browseInputs),
                Controls.mnemonicLabel("_Replication", replication),
                replication);
        root.addRow(3, new Label(), new HBox(8, submit, status), Controls.mnemonicLabel("_Quorum", quorum), quorum);
        root.getStyleClass().add("job-form");
    }

    Node root() {
        return root;
    }

    private static void field(TextField field, String id, String accessible, int columns) {
        field.setId(id);
        field.setAccessibleText(accessible);
        field.setPromptText(accessible);
        field.setPrefColumnCount(columns);
    }

    private void chooseProgram() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("RISC-V ELF program");
        File chosen = chooser.showOpenDialog(root.getScene().getWindow());
        if (chosen != null) {
            program.setText(chosen.getPath());
        }
    }

    private void chooseInputs() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Input files");
        List<File> chosen = chooser.showOpenMultipleDialog(root.getScene().getWindow());
        if (chosen != null) {
            List<String> all = new ArrayList<>(splitInputs(inputs.getText()));
            chosen.forEach(f -> all.add(f.getPath()));
            inputs.setText(String.join(File.pathSeparator, all));
        }
    }

    private static List<String> splitInputs(String text) {
        List<String> out = new ArrayList<>();
        for (String part : text.split(java.util.regex.Pattern.quote(File.pathSeparator))) {
            if (!part.isBlank()) {
                out.add(part.strip());
            }
        }
        return out;
    }

    /** The form as a draft; a clear message for what is missing (checked again by the server). */
    Draft draft() {
        if (program.getText().isBlank()) {
            throw new IllegalArgumentException("Choose or type the program's path.");
        }
        Path file = Path.of(program.getText().strip());
        String jobName = name.getText().isBlank()
                ? file.getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_")
                : name.getText().strip();
        List<String> argList = args.getText().isBlank()
                ? List.of()
                : List.of(args.getText().strip().split("\\s+"));
        return new Draft(
                file,
                jobName,
                argList,
                splitInputs(inputs.getText()).stream().map(Path::of).toList(),
                units.getValue(),
                replication.getValue(),
                quorum.getValue());
    }

    private void submit() {
        Draft draft;
        try {
            draft = draft();
        } catch (IllegalArgumentException e) {
            status.setText("⚠ " + e.getMessage());
            return;
        }
        submit.setDisable(true);
        status.setText("Uploading…");
        Background.run(
                () -> send(draft),
                job -> {
                    submit.setDisable(false);
                    long id = job.path("id").asLong();
                    status.setText("Job " + id + " submitted.");
                    onSubmitted.accept(id);
                },
                failure -> {
                    submit.setDisable(false);
                    status.setText("⚠ Not submitted: " + failure.getMessage());
                });
    }

    /** Uploads the program and inputs, then submits the job: the server's answer. Blocking. */
    private JsonNode send(Draft draft) throws Exception {
        String programSha = upload(draft.program());
        Map<String, String> inputShas = new LinkedHashMap<>();
        for (Path input : draft.inputs()) {
            inputShas.put(input.getFileName().toString(), upload(input));
        }
        List<Map<String, Object>> unitList = new ArrayList<>();
        for (int i = 0; i < draft.units(); i++) {
            unitList.add(Map.of("args", draft.argsOf(i), "inputs", inputShas));
        }
        Map<String, Object> job = new LinkedHashMap<>();
        job.put("name", draft.name());
        job.put("program", programSha);
        job.put("units", unitList);
        job.put("replication", draft.replication());
        job.put("quorum", draft.quorum());
        return session.send("POST", "/api/v1/jobs", job);
    }

    private String upload(Path file) throws Exception {
        if (!Files.isRegularFile(file)) {
            throw new ApiException(0, "no such file: " + file);
        }
        return session.upload("/api/v1/grid/files", file).path("sha256").asText();
    }
}
