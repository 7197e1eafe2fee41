package org.visorfleet.console;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import org.visorfleet.console.api.EventFeed;

/**
 * The signed-in console: a navigation list of the {@link ConsoleView} sections on the left
 * ({@code Shortcut+1} … {@code Shortcut+9} jump to them), the selected section in the middle, and a
 * top bar with who is signed in where, whether live events flow, and Sign out. A section is started
 * the first time it is shown and stopped when the view is closed.
 *
 * <p>Node ids: {@code nav}, {@code signedIn}, {@code liveState}, {@code signOut}.
 */
public final class MainView {

    private final Workspace workspace;
    private final List<ConsoleView> sections;
    private final Set<ConsoleView> started = new HashSet<>();
    private final ListView<ConsoleView> nav = new ListView<>();
    private final Label liveState = new Label();
    private final BorderPane root = new BorderPane();

    /**
     * @param workspace the session and its events
     * @param sections the sections in navigation order; the first is shown at once
     * @param onSignOut called on the application thread when the user presses Sign out
     */
    public MainView(Workspace workspace, List<ConsoleView> sections, Runnable onSignOut) {
        this.workspace = workspace;
        this.sections = List.copyOf(sections);

        nav.setId("nav");
        nav.setAccessibleText("Sections");
        nav.getItems().setAll(this.sections);
        nav.setCellFactory(list -> new ListCell<>() {
            @Override
            protected void updateItem(ConsoleView view, boolean empty) {
                super.updateItem(view, empty);
                setText(empty || view == null ? null : view.title());
            }
        });
        nav.setPrefWidth(150);
        nav.getSelectionModel().selectedItemProperty().addListener((property, was, now) -> show(now));

        Label signedIn = new Label(workspace.session().username() + " ("
                + workspace.session().role() + ") on " + workspace.session().address());
        signedIn.setId("signedIn");
        liveState.setId("liveState");
        liveState.setAccessibleText("Live events");
        workspace.events().stateProperty().addListener((property, was, now) -> showLiveState(now));
        showLiveState(workspace.events().stateProperty().get());
        Button signOut = new Button("Sign _out");
        signOut.setId("signOut");
        signOut.setAccessibleText("Sign out of the server");
        signOut.setOnAction(e -> onSignOut.run());
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox bar = new HBox(12, signedIn, spacer, liveState, signOut);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(6, 12, 6, 12));
        bar.getStyleClass().add("top-bar");

        root.setTop(bar);
        root.setLeft(nav);
        root.getStyleClass().add("main-view");
        root.sceneProperty().addListener((property, was, now) -> installShortcuts(now));
        nav.getSelectionModel().selectFirst();
    }

    /** The node to put in a scene. */
    public Parent root() {
        return root;
    }

    /** Shows the section titled {@code title}. */
    public void select(String title) {
        sections.stream()
                .filter(view -> view.title().equals(title))
                .findFirst()
                .ifPresent(view -> nav.getSelectionModel().select(view));
    }

    /** The sections, in navigation order. */
    public List<ConsoleView> sections() {
        return sections;
    }

    private void show(ConsoleView view) {
        if (view == null) {
            return;
        }
        root.setCenter(view.root());
        if (started.add(view)) {
            view.start();
        }
    }

    private void showLiveState(EventFeed.State state) {
        liveState.setText(
                switch (state) {
                    case CONNECTING -> "Live events: connecting …";
                    case LIVE -> "● Live";
                    case RECONNECTING -> "○ Live events lost; reconnecting …";
                    case CLOSED -> "Live events off";
                });
        liveState.getStyleClass().setAll("label", "live-" + state.name().toLowerCase(java.util.Locale.ROOT));
    }

    private void installShortcuts(Scene scene) {
        if (scene == null) {
            return;
        }
        for (int i = 0; i < Math.min(9, sections.size()); i++) {
            int index = i;
            KeyCombination keys =
                    new KeyCodeCombination(KeyCode.getKeyCode(String.valueOf(i + 1)), KeyCombination.SHORTCUT_DOWN);
            scene.getAccelerators().put(keys, () -> {
                if (root.getScene() == scene) {
                    nav.getSelectionModel().select(index);
                }
            });
        }
    }

    /** Stops every started section and the event stream. */
    public void close() {
        started.forEach(ConsoleView::stop);
        started.clear();
        workspace.events().close();
    }
}
