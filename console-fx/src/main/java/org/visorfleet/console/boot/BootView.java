package org.visorfleet.console.boot;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Parent;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.visorfleet.console.Background;
import org.visorfleet.console.ConsoleView;
import org.visorfleet.console.Controls;
import org.visorfleet.console.Poller;
import org.visorfleet.console.Workspace;
import org.visorfleet.console.api.ApiException;
import org.visorfleet.console.api.FleetEvent;
import org.visorfleet.console.api.Listing;
import org.visorfleet.console.boot.BootRows.Export;
import org.visorfleet.console.boot.BootRows.Machine;
import org.visorfleet.console.boot.BootRows.Overlay;

/**
 * The boot service: the AoE exports, the copy-on-write overlays of the selected export's clients
 * (with "Reset to golden" behind a confirmation that names the client and says its changes are
 * lost; a client the server still sees using its disk needs a second, forced confirmation), and the
 * network-booting machines with Approve (into a group) and Ignore. Fetched again every
 * {@link #PERIOD} while shown and at once on boot-related events.
 *
 * <p>Node ids: {@code exportsTable}, {@code overlaysTable}, {@code resetOverlay}, {@code bootClientsTable},
 * {@code approveGroup}, {@code approveName}, {@code approveBoot}, {@code ignoreBoot}, {@code bootRefresh},
 * {@code bootStatus}; dialogs: {@code resetConfirm} with button {@code confirmReset}, {@code forceConfirm}
 * with {@code confirmForce}.
 */
public final class BootView implements ConsoleView {

    /** How often the lists are fetched again while the view is started. */
    public static final Duration PERIOD = Duration.ofSeconds(5);

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    private final Workspace workspace;
    private final TableView<Export> exports = new TableView<>();
    private final TableView<Overlay> overlays = new TableView<>();
    private final TableView<Machine> machines = new TableView<>();
    private final Button reset = new Button("_Reset to golden…");
    private final TextField group = new TextField();
    private final TextField name = new TextField();
    private final Button approve = new Button("A_pprove");
    private final Button ignore = new Button("_Ignore");
    private final Button refresh = new Button("Re_fresh");
    private final Label status = new Label();
    private final VBox root = new VBox(8);
    private final Consumer<FleetEvent> listener = this::arrived;
    private Poller poller;
    /** The MAC of the overlay the user selected last: kept while a refresh replaces the rows. */
    private String chosenOverlay;

    public BootView(Workspace workspace) {
        this.workspace = workspace;
        buildTables();
        reset.setId("resetOverlay");
        reset.setAccessibleText("Reset the selected client's overlay to the golden image");
        reset.setDisable(true);
        reset.setOnAction(e -> confirmReset());
        overlays.getSelectionModel().selectedItemProperty().addListener((p, was, now) -> {
            reset.setDisable(now == null);
            if (now != null) {
                chosenOverlay = now.client();
            }
        });
        exports.getSelectionModel().selectedItemProperty().addListener((p, was, now) -> {
            if (now != null && (was == null || !now.address().equals(was.address()))) {
                loadOverlays();
            }
        });

        group.setId("approveGroup");
        group.setPromptText("group");
        group.setAccessibleText("Group to approve the machine into");
        name.setId("approveName");
        name.setPromptText("name (optional)");
        name.setAccessibleText("Name of the approved machine (optional)");
        approve.setId("approveBoot");
        approve.setAccessibleText("Approve the selected machine for network boot");
        approve.setOnAction(e -> decide("approve"));
        ignore.setId("ignoreBoot");
        ignore.setAccessibleText("Ignore the selected machine: it boots locally");
        ignore.setOnAction(e -> decide("ignore"));
        machines.getSelectionModel().selectedItemProperty().addListener((p, was, now) -> {
            approve.setDisable(now == null);
            ignore.setDisable(now == null);
        });
        approve.setDisable(true);
        ignore.setDisable(true);
        refresh.setId("bootRefresh");
        refresh.setAccessibleText("Fetch the exports, overlays and machines again");
        refresh.setOnAction(e -> refreshNow());
        status.setId("bootStatus");
        status.setAccessibleText("Boot status");

        Label title = new Label("Boot");
        title.getStyleClass().add("title");
        Label groupLabel = Controls.mnemonicLabel("_Group", group);
        HBox overlayBar = new HBox(8, reset);
        HBox machineBar = new HBox(8, groupLabel, group, name, approve, ignore);
        machineBar.setAlignment(Pos.CENTER_LEFT);
        HBox bottom = new HBox(12, refresh, status);
        bottom.setAlignment(Pos.CENTER_LEFT);
        root.getChildren()
                .addAll(
                        title,
                        Controls.mnemonicLabel("_Exports", exports),
                        exports,
                        Controls.mnemonicLabel("Client _overlays of the selected export", overlays),
                        overlays,
                        overlayBar,
                        Controls.mnemonicLabel("_Network-booting machines", machines),
                        machines,
                        machineBar,
                        bottom);
        for (TableView<?> table : List.of(exports, overlays, machines)) {
            VBox.setVgrow(table, Priority.ALWAYS);
            table.setPrefHeight(150);
        }
        root.setPadding(new Insets(16));
        root.getStyleClass().add("boot-view");
    }

    @Override
    public String title() {
        return "Boot";
    }

    @Override
    public Parent root() {
        return root;
    }

    @Override
    public void start() {
        workspace.events().subscribe(listener);
        poller = Poller.every(PERIOD, "boot-poller", () -> {
            if (root.getScene() != null) { // only while shown
                refreshNow();
            }
        });
    }

    @Override
    public void stop() {
        workspace.events().unsubscribe(listener);
        if (poller != null) {
            poller.stop();
        }
    }

    private void buildTables() {
        exports.setId("exportsTable");
        exports.setAccessibleText("AoE exports");
        exports.setPlaceholder(new Label("No exports"));
        exports.getColumns()
                .setAll(List.of(
                        Controls.textColumn("Address", 80, Export::address),
                        Controls.textColumn("Image", 120, Export::image),
                        Controls.textColumn("Version", 70, e -> "v" + e.version()),
                        Controls.textColumn("Size", 90, e -> BootRows.size(e.sizeBytes())),
                        Controls.textColumn(
                                "Groups", 140, e -> String.join(", ", e.groups() == null ? List.of() : e.groups())),
                        Controls.textColumn(
                                "Served", 260, e -> e.served() ? "✔ served" : "⚠ not served: " + e.problem()),
                        Controls.textColumn("Created by", 110, Export::createdBy)));
        overlays.setId("overlaysTable");
        overlays.setAccessibleText("Client overlays of the selected export");
        overlays.setPlaceholder(new Label("No client has written to this export"));
        overlays.getColumns()
                .setAll(List.of(
                        Controls.textColumn("Client MAC", 140, Overlay::client),
                        Controls.textColumn("Name", 110, o -> machineName(o.client())),
                        Controls.textColumn("Written", 90, o -> BootRows.size(o.writtenBytes())),
                        Controls.textColumn("On disk", 90, o -> BootRows.size(o.fileBytesOnDisk())),
                        Controls.textColumn("Last write", 150, o -> TIME.format(Instant.ofEpochMilli(o.lastWrite()))),
                        Controls.textColumn(
                                "Sectors read/written", 150, o -> o.sectorsRead() + " / " + o.sectorsWritten()),
                        Controls.textColumn(
                                "Last request",
                                150,
                                o -> o.lastRequest() == null
                                        ? "—"
                                        : TIME.format(Instant.ofEpochMilli(o.lastRequest())))));
        machines.setId("bootClientsTable");
        machines.setAccessibleText("Network-booting machines");
        machines.setPlaceholder(new Label("No machine has asked to boot"));
        machines.getColumns()
                .setAll(List.of(
                        Controls.textColumn("MAC", 140, Machine::mac),
                        Controls.textColumn("Status", 110, m -> statusWord(m.status())),
                        Controls.textColumn("Name", 120, Machine::name),
                        Controls.textColumn("Group", 100, Machine::group),
                        Controls.textColumn("Enrolled as", 110, Machine::client),
                        Controls.textColumn("Last address", 120, Machine::lastAddress),
                        Controls.textColumn("Boots", 60, m -> Long.toString(m.boots()))));
    }

    private static String statusWord(String status) {
        return switch (status) {
            case "pending" -> "? pending";
            case "approved" -> "✔ approved";
            case "ignored" -> "✖ ignored";
            default -> status;
        };
    }

    private void arrived(FleetEvent event) {
        String type = event.type();
        if (type.startsWith("export.")
                || type.startsWith("overlay.")
                || type.startsWith("boot.")
                || type.equals("group.boot-export")) {
            refreshNow();
        }
    }

    private void refreshNow() {
        Background.run(
                () -> Listing.items(workspace.session().get("/api/v1/exports"), Export.class),
                this::showExports,
                this::failed);
        Background.run(
                () -> Listing.items(workspace.session().get("/api/v1/boot/clients"), Machine.class),
                this::showMachines,
                this::failed);
    }

    private void showExports(List<Export> fresh) {
        if (!exports.getItems().equals(fresh)) {
            String selected = selectedExport();
            exports.getItems().setAll(fresh);
            fresh.stream()
                    .filter(e -> e.address().equals(selected))
                    .findFirst()
                    .ifPresentOrElse(e -> exports.getSelectionModel().select(e), () -> exports.getSelectionModel()
                            .selectFirst());
        }
        if (fresh.isEmpty()) {
            overlays.getItems().clear();
        }
        loadOverlays();
        status.setText(fresh.size() + " export(s); updated "
                + DateTimeFormatter.ofPattern("HH:mm:ss").format(java.time.LocalTime.now()));
    }

    private void showMachines(List<Machine> fresh) {
        if (machines.getItems().equals(fresh)) {
            return;
        }
        Machine selected = machines.getSelectionModel().getSelectedItem();
        machines.getItems().setAll(fresh);
        if (selected != null) {
            fresh.stream()
                    .filter(m -> m.mac().equals(selected.mac()))
                    .findFirst()
                    .ifPresent(m -> machines.getSelectionModel().select(m));
        }
        overlays.refresh(); // names of overlay clients come from this list
    }

    private String selectedExport() {
        Export e = exports.getSelectionModel().getSelectedItem();
        return e == null ? null : e.address();
    }

    private void loadOverlays() {
        String address = selectedExport();
        if (address == null) {
            overlays.getItems().clear();
            return;
        }
        Background.run(
                () -> Listing.items(
                        workspace.session().get("/api/v1/exports/" + encode(address) + "/overlays"), Overlay.class),
                fresh -> {
                    if (!address.equals(selectedExport())) {
                        return; // another export was selected meanwhile
                    }
                    if (overlays.getItems().equals(fresh)) {
                        return;
                    }
                    String wanted = chosenOverlay;
                    overlays.getItems().setAll(fresh);
                    fresh.stream()
                            .filter(o -> o.client().equals(wanted))
                            .findFirst()
                            .ifPresent(o -> overlays.getSelectionModel().select(o));
                },
                this::failed);
    }

    private String machineName(String mac) {
        Map<String, String> names = machines.getItems().stream()
                .filter(m -> m.name() != null)
                .collect(Collectors.toMap(Machine::mac, Machine::name, (a, b) -> a));
        return names.getOrDefault(mac, "");
    }

    private String describe(Overlay overlay) {
        String known = machineName(overlay.client());
        return known.isEmpty() ? "client " + overlay.client() : known + " (" + overlay.client() + ")";
    }

    private void confirmReset() {
        Export export = exports.getSelectionModel().getSelectedItem();
        Overlay overlay = overlays.getSelectionModel().getSelectedItem();
        if (export == null || overlay == null) {
            return;
        }
        String who = describe(overlay);
        confirm(
                "resetConfirm",
                "confirmReset",
                "_Reset to golden",
                "Reset " + who + " to the golden image?",
                "Every change " + who + " made to its disk on " + export.address() + " ("
                        + BootRows.size(overlay.writtenBytes()) + " written) is lost: it sees " + export.image() + " v"
                        + export.version() + " again. This cannot be undone.",
                () -> resetOverlay(export, overlay, false));
    }

    private void resetOverlay(Export export, Overlay overlay, boolean force) {
        String who = describe(overlay);
        reset.setDisable(true);
        status.setText("Resetting " + who + "…");
        Background.run(
                () -> workspace
                        .session()
                        .send(
                                "DELETE",
                                "/api/v1/exports/" + encode(export.address()) + "/overlays/" + encode(overlay.client())
                                        + (force ? "?force=true" : ""),
                                null),
                done -> {
                    status.setText(who + " reset to " + export.image() + " v" + export.version());
                    loadOverlays();
                },
                failure -> {
                    reset.setDisable(overlays.getSelectionModel().isEmpty());
                    if (!force && failure instanceof ApiException api && api.status() == 409) {
                        confirm(
                                "forceConfirm",
                                "confirmForce",
                                "Reset _anyway",
                                who + " seems to be running",
                                failure.getMessage() + ".\n\nReset anyway? Its changes are lost and its running"
                                        + " system may fail.",
                                () -> resetOverlay(export, overlay, true));
                    } else {
                        failed(failure);
                    }
                });
    }

    /** A confirmation whose safe choice, Cancel, is the default; {@code onConfirm} runs only on the action. */
    private void confirm(String id, String buttonId, String action, String header, String text, Runnable onConfirm) {
        ButtonType act = new ButtonType(action, ButtonBar.ButtonData.OK_DONE);
        Alert alert = new Alert(Alert.AlertType.CONFIRMATION, text, act, ButtonType.CANCEL);
        alert.setTitle("Reset to golden");
        alert.setHeaderText(header);
        alert.getDialogPane().setId(id);
        Button actButton = (Button) alert.getDialogPane().lookupButton(act);
        actButton.setId(buttonId);
        actButton.setDefaultButton(false);
        actButton.setAccessibleText(header);
        ((Button) alert.getDialogPane().lookupButton(ButtonType.CANCEL)).setDefaultButton(true);
        if (root.getScene() != null) {
            alert.initOwner(root.getScene().getWindow());
        }
        alert.setOnHidden(e -> {
            if (alert.getResult() == act) {
                onConfirm.run();
            }
        });
        alert.show();
    }

    private void decide(String decision) {
        Machine machine = machines.getSelectionModel().getSelectedItem();
        if (machine == null) {
            return;
        }
        Map<String, String> body = new java.util.LinkedHashMap<>();
        if (decision.equals("approve")) {
            if (group.getText().isBlank()) {
                status.setText("Approving needs a group: type one in Group.");
                group.requestFocus();
                return;
            }
            body.put("group", group.getText().strip());
            if (!name.getText().isBlank()) {
                body.put("name", name.getText().strip());
            }
        }
        String path = "/api/v1/boot/clients/" + encode(machine.mac()) + "/" + decision;
        Background.run(
                () -> workspace.session().send("POST", path, body),
                done -> {
                    status.setText(machine.mac() + (decision.equals("approve") ? " approved" : " ignored"));
                    refreshNow();
                },
                this::failed);
    }

    private void failed(Exception failure) {
        status.setText("⚠ " + failure.getMessage());
    }

    /** Export addresses (eN.N) and MACs travel as the server wrote them: no character needs escaping. */
    private static String encode(String segment) {
        if (!segment.matches("[0-9A-Za-z.:-]+")) {
            throw new IllegalArgumentException("not an export address or MAC: " + segment);
        }
        return segment;
    }
}
