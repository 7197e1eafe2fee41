package org.visorfleet.console.clients;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import javafx.animation.PauseTransition;
import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Parent;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.SelectionMode;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.TextFormatter;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import org.visorfleet.console.Background;
import org.visorfleet.console.ConsoleView;
import org.visorfleet.console.Controls;
import org.visorfleet.console.Workspace;
import org.visorfleet.console.api.ClientStatus;
import org.visorfleet.console.api.FleetEvent;

/**
 * The clients of the fleet in one table that stays smooth with a hundred thousand of them: the
 * server filters, sorts and pages ({@link ClientPages}), the table fetches only the rows in view.
 * Search (name or hostname, applied 250 ms after typing stops), group and status narrow the list;
 * clicking a column header sorts on the server. Client events from the live stream refresh the rows
 * in view and the count, at most every {@link #REFRESH}. Chosen clients (several with Shift or
 * Ctrl) take actions whose results show below; double-click or Enter opens a client's {@link
 * ClientDetailView}.
 *
 * <p>Node ids: {@code clientSearch}, {@code groupFilter}, {@code statusFilter}, {@code clientCount},
 * {@code clientsTable}, {@code clientsStatus}, the action buttons {@code clients-run}, {@code
 * clients-reboot}, {@code clients-shutdown}, {@code clients-lock}, {@code clients-message}, and
 * {@code actionResults}; the detail's ids are listed on {@link ClientDetailView}.
 */
public final class ClientsView implements ConsoleView {

    /** Typing pauses this long before the search goes to the server. */
    public static final Duration SEARCH_DELAY = Duration.ofMillis(250);
    /** Live client events refresh the table at most this often. */
    public static final Duration REFRESH = Duration.ofMillis(500);

    private static final int MAX_SEARCH = 64;
    private static final String ALL_GROUPS = "All groups";
    private static final String ALL_STATUSES = "All statuses";

    private final Workspace workspace;
    private final TerminalOpener terminal;
    private final ClientPages pages;
    private final TableView<ClientRow> table = new TableView<>();
    private final TextField search = new TextField();
    private final ComboBox<String> group = new ComboBox<>();
    private final ComboBox<String> status = new ComboBox<>();
    private final Label count = new Label("… clients");
    private final Label message = new Label();
    private final ActionResults results;
    private final StackPane body = new StackPane();
    private final VBox list;
    private final BorderPane root = new BorderPane();
    private final PauseTransition searchDelay =
            new PauseTransition(javafx.util.Duration.millis(SEARCH_DELAY.toMillis()));
    private final Throttle refresh;
    private final Consumer<FleetEvent> listener = this::onEvent;
    private ClientFilter filter = ClientFilter.ALL;
    private ClientDetailView detail;
    private boolean started;
    private boolean fillingGroups;

    /**
     * @param workspace the session and its live events
     * @param terminal opens a terminal on a client (the detail's Terminal button); {@link
     *     TerminalOpener#NONE} disables that button
     */
    public ClientsView(Workspace workspace, TerminalOpener terminal) {
        this.workspace = workspace;
        this.terminal = terminal;
        this.pages = new ClientPages(
                workspace.session(), failure -> message.setText("Could not load clients: " + failure.getMessage()));
        this.results = new ActionResults(workspace.session());
        this.refresh = new Throttle(REFRESH, pages::reload);

        HBox filters = buildFilters();
        buildTable();
        ClientActions actions = new ClientActions(
                "clients",
                this::chosenClients,
                Bindings.isEmpty(table.getSelectionModel().getSelectedIndices()),
                results);
        message.setId("clientsStatus");
        message.setAccessibleText("Clients status");
        list = new VBox(8, filters, actions.root(), table, message);
        VBox.setVgrow(table, Priority.ALWAYS);
        body.getChildren().setAll(list);
        root.setCenter(body);
        root.setBottom(results.root());
        BorderPane.setMargin(results.root(), new Insets(8, 0, 0, 0));
        root.setPadding(new Insets(12));
        root.getStyleClass().add("clients-view");
    }

    /** The search field, the group and status choices and the count, in one bar. */
    private HBox buildFilters() {
        search.setId("clientSearch");
        search.setPromptText("name or hostname");
        // The server takes at most 64 characters of search text.
        search.setTextFormatter(
                new TextFormatter<String>(change -> change.getControlNewText().length() <= MAX_SEARCH ? change : null));
        search.setAccessibleText("Search clients by name or hostname");
        search.textProperty().addListener((property, was, now) -> searchDelay.playFromStart());
        searchDelay.setOnFinished(e -> apply(filter.withSearch(search.getText())));
        search.setOnAction(e -> {
            searchDelay.stop();
            apply(filter.withSearch(search.getText()));
        });
        group.setId("groupFilter");
        group.setAccessibleText("Show the clients of one group");
        group.getItems().setAll(ALL_GROUPS);
        group.getSelectionModel().selectFirst();
        group.valueProperty().addListener((property, was, now) -> {
            if (!fillingGroups) {
                apply(filter.withGroup(now == null || now.equals(ALL_GROUPS) ? null : now));
            }
        });
        status.setId("statusFilter");
        status.setAccessibleText("Show the clients in one status");
        status.getItems().add(ALL_STATUSES);
        for (ClientStatus each : ClientStatus.values()) {
            status.getItems().add(StatusText.of(each.apiName()));
        }
        status.getSelectionModel().selectFirst();
        status.getSelectionModel()
                .selectedIndexProperty()
                .addListener((property, was, now) -> apply(filter.withStatus(
                        now.intValue() <= 0 ? null : ClientStatus.values()[now.intValue() - 1].apiName())));
        count.setId("clientCount");
        count.setAccessibleText("Number of clients shown");
        pages.totalProperty().addListener((property, was, now) -> showCount(now.intValue()));

        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox filters = new HBox(
                8,
                Controls.mnemonicLabel("_Search", search),
                search,
                Controls.mnemonicLabel("_Group", group),
                group,
                Controls.mnemonicLabel("S_tatus", status),
                status,
                spacer,
                count);
        filters.setAlignment(Pos.CENTER_LEFT);
        return filters;
    }

    private void buildTable() {
        table.setId("clientsTable");
        table.setAccessibleText("Clients");
        table.getSelectionModel().setSelectionMode(SelectionMode.MULTIPLE);
        table.setFixedCellSize(26);
        table.setPlaceholder(new Label("No clients match."));
        table.getColumns().add(column("Name", "name", 160, ClientSummary::name));
        table.getColumns().add(column("Hostname", "hostname", 180, ClientSummary::hostname));
        table.getColumns().add(column("Group", "group", 110, ClientSummary::group));
        TableColumn<ClientRow, String> state = column("Status", "status", 130, ClientSummary::status);
        state.setCellFactory(column -> new StatusCell());
        table.getColumns().add(state);
        table.getColumns().add(column("Last seen", "lastSeen", 160, c -> StatusText.time(c.lastSeen())));
        table.getColumns().add(column("Enrolled at", "enrolledAt", 160, c -> StatusText.time(c.enrolledAt())));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        // The server sorts: the table only tells it the first sort column and its direction.
        table.setSortPolicy(sorted -> {
            apply(filter.withSort(sortField()));
            return true;
        });
        table.setRowFactory(view -> {
            TableRow<ClientRow> row = new TableRow<>();
            row.setOnMouseClicked(e -> {
                if (e.getButton() == MouseButton.PRIMARY && e.getClickCount() == 2 && !row.isEmpty()) {
                    openDetail(row.getIndex());
                }
            });
            return row;
        });
        table.addEventHandler(KeyEvent.KEY_PRESSED, e -> {
            if (e.getCode() == KeyCode.ENTER) {
                openDetail(table.getFocusModel().getFocusedIndex());
                e.consume();
            }
        });
    }

    private static TableColumn<ClientRow, String> column(
            String title, String sortField, double width, Function<ClientSummary, String> value) {
        TableColumn<ClientRow, String> column = new TableColumn<>(title);
        column.setUserData(sortField);
        column.setPrefWidth(width);
        column.setCellValueFactory(cell -> cell.getValue()
                .summaryProperty()
                .map(client -> Objects.requireNonNullElse(value.apply(client), ""))
                .orElse("…"));
        return column;
    }

    /** The status column: icon and word, with a style class that repeats the word in colour. */
    private static final class StatusCell extends TableCell<ClientRow, String> {
        @Override
        protected void updateItem(String state, boolean empty) {
            super.updateItem(state, empty);
            getStyleClass().removeIf(style -> style.startsWith("status-"));
            if (empty || state == null) {
                setText(null);
            } else if (state.equals("…")) {
                setText(state);
            } else {
                setText(StatusText.of(state));
                getStyleClass().add(StatusText.styleClass(state));
            }
        }
    }

    private String sortField() {
        if (table.getSortOrder().isEmpty()) {
            return "name";
        }
        TableColumn<ClientRow, ?> first = table.getSortOrder().getFirst();
        String field = (String) first.getUserData();
        return first.getSortType() == TableColumn.SortType.DESCENDING ? "-" + field : field;
    }

    private void apply(ClientFilter next) {
        if (next.equals(filter) && pages.filter() != null) {
            return;
        }
        boolean newRows = !next.equals(filter);
        filter = next;
        if (started) {
            message.setText("");
            pages.show(next);
            if (newRows && !pages.isEmpty()) {
                table.scrollTo(0);
            }
        }
    }

    private void showCount(int total) {
        count.setText(total < 0 ? "… clients" : total == 1 ? "1 client" : total + " clients");
        count.setAccessibleText(count.getText() + " shown");
    }

    /** The names of the selected clients whose rows are loaded. */
    private List<String> chosenClients() {
        List<String> names = new ArrayList<>();
        for (Integer index : table.getSelectionModel().getSelectedIndices()) {
            ClientSummary client = index == null || index < 0 ? null : pages.loaded(index);
            if (client != null) {
                names.add(client.name());
            }
        }
        return names;
    }

    private void openDetail(int index) {
        ClientSummary client = index < 0 || index >= pages.size() ? null : pages.loaded(index);
        if (client != null) {
            showDetail(client.name());
        }
    }

    /** Shows the detail of the client named {@code name}. */
    void showDetail(String name) {
        detail = new ClientDetailView(workspace.session(), name, results, terminal, this::closeDetail);
        body.getChildren().setAll(detail.root());
        detail.load();
        detail.focus();
    }

    private void closeDetail() {
        detail = null;
        body.getChildren().setAll(list);
        table.requestFocus();
    }

    private void onEvent(FleetEvent event) {
        results.onEvent(event);
        if (detail != null) {
            detail.onEvent(event);
        }
        if (event.type().startsWith("client.")) {
            refresh.request();
        } else if (event.type().startsWith("group.")) {
            loadGroups();
        }
    }

    private void loadGroups() {
        Background.run(
                () -> workspace.session().get("/api/v1/groups"),
                reply -> {
                    List<String> names = new ArrayList<>();
                    names.add(ALL_GROUPS);
                    reply.path("items")
                            .forEach(item -> names.add(item.path("name").asText()));
                    String chosen = group.getValue();
                    fillingGroups = true;
                    group.getItems().setAll(names);
                    group.setValue(names.contains(chosen) ? chosen : ALL_GROUPS);
                    fillingGroups = false;
                    if (!names.contains(chosen)) {
                        apply(filter.withGroup(null));
                    }
                },
                failure -> message.setText("Could not load groups: " + failure.getMessage()));
    }

    @Override
    public String title() {
        return "Clients";
    }

    @Override
    public Parent root() {
        return root;
    }

    /** Fetches the first page and the groups, and follows the live events. */
    @Override
    public void start() {
        started = true;
        workspace.events().subscribe(listener);
        pages.show(filter);
        table.setItems(pages);
        loadGroups();
    }

    @Override
    public void stop() {
        started = false;
        workspace.events().unsubscribe(listener);
        searchDelay.stop();
        refresh.stop();
        pages.close();
        results.stop();
    }
}
