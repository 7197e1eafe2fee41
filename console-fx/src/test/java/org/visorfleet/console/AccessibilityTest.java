package org.visorfleet.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.ComboBoxBase;
import javafx.scene.control.Control;
import javafx.scene.control.Label;
import javafx.scene.control.Labeled;
import javafx.scene.control.ListView;
import javafx.scene.control.Spinner;
import javafx.scene.control.TableView;
import javafx.scene.control.TextInputControl;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.visorfleet.console.api.Session;
import org.visorfleet.console.testing.Fx;
import org.visorfleet.console.testing.TestFleet;

/**
 * Every section, walked as a screen reader and a keyboard user would: each control that takes focus
 * has a name to announce (its accessible text, its own words, a label pointing at it, or a prompt),
 * and Tab moves from the navigation list into the section and on through it.
 */
@ExtendWith(ApplicationExtension.class)
class AccessibilityTest {

    @TempDir
    static Path temp;

    static TestFleet fleet;

    @TempDir
    Path home;

    MainView main;
    Scene scene;

    @BeforeAll
    static void startFleet() throws Exception {
        fleet = TestFleet.start(temp, "a11y-pc-01");
    }

    @AfterAll
    static void stopFleet() throws Exception {
        fleet.close();
    }

    @Start
    void start(Stage stage) throws Exception {
        Session session = fleet.signIn(home);
        Workspace workspace = new Workspace(session, LiveEvents.open(session));
        main = new MainView(
                workspace,
                ConsoleApp.SECTIONS.stream().map(s -> s.apply(workspace)).toList(),
                () -> {});
        scene = new Scene(main.root(), 1100, 720);
        stage.setScene(scene);
        stage.show();
    }

    @AfterEach
    void close(FxRobot robot) {
        robot.interact(main::close);
    }

    @Test
    void everyFocusableControlOfEverySectionHasAName(FxRobot robot) throws Exception {
        ListView<?> nav = robot.lookup("#nav").queryListView();
        List<String> nameless = new ArrayList<>();
        for (int i = 0; i < main.sections().size(); i++) {
            int index = i;
            robot.interact(() -> nav.getSelectionModel().select(index));
            Thread.sleep(800); // the section's first answers from the server
            String title = main.sections().get(i).title();
            nameless.addAll(
                    onFx(() -> namelessControls(main.sections().get(index).root(), title)));
        }
        // The client detail replaces the table inside the Clients section.
        robot.interact(() -> nav.getSelectionModel().select(1));
        Fx.waitFor("the first client", () -> robot.lookup("#clientsTable")
                .tryQuery()
                .map(table -> ((TableView<?>) table).getItems().stream().anyMatch(java.util.Objects::nonNull))
                .orElse(false));
        TableView<?> clients = robot.lookup("#clientsTable").queryTableView();
        robot.interact(() -> {
            clients.getSelectionModel().clearAndSelect(0);
            clients.getFocusModel().focus(0);
            clients.requestFocus();
        });
        robot.type(KeyCode.ENTER);
        Fx.waitFor(
                "the client detail", () -> robot.lookup("#inventory").tryQuery().isPresent());
        Thread.sleep(800);
        nameless.addAll(onFx(() -> namelessControls(main.sections().get(1).root(), "Client detail")));
        assertEquals(List.of(), nameless, "controls a screen reader could not name");
    }

    @Test
    void tabLeavesTheNavigationForTheSectionAndMovesOnThroughIt(FxRobot robot) throws Exception {
        ListView<?> nav = robot.lookup("#nav").queryListView();
        for (int i = 1; i < main.sections().size(); i++) {
            int index = i;
            robot.interact(() -> {
                nav.getSelectionModel().select(index);
                nav.requestFocus();
            });
            Fx.waitFor("the navigation focused", () -> scene.getFocusOwner() == nav);
            Parent section = main.sections().get(i).root();
            AtomicReference<Node> previous = new AtomicReference<>();
            for (int presses = 0; presses < 3; presses++) {
                robot.type(KeyCode.TAB);
                Node owner = scene.getFocusOwner();
                assertTrue(
                        owner != null && isInside(owner, section),
                        main.sections().get(i).title() + ": Tab went to " + owner);
                assertTrue(owner != previous.get(), main.sections().get(i).title() + ": Tab stayed on " + owner);
                previous.set(owner);
            }
        }
    }

    private static boolean isInside(Node node, Parent root) {
        for (Node n = node; n != null; n = n.getParent()) {
            if (n == root) {
                return true;
            }
        }
        return false;
    }

    private static List<String> namelessControls(Parent root, String section) {
        List<Label> labels = new ArrayList<>();
        List<Control> controls = new ArrayList<>();
        collect(root, labels, controls);
        List<String> nameless = new ArrayList<>();
        for (Control control : controls) {
            if (!control.isFocusTraversable() || !control.isVisible()) {
                continue;
            }
            boolean named = notBlank(control.getAccessibleText())
                    || control instanceof Labeled labeled && notBlank(labeled.getText())
                    || control instanceof TextInputControl input && notBlank(input.getPromptText())
                    || labels.stream().anyMatch(label -> label.getLabelFor() == control);
            if (!named) {
                nameless.add(section + ": " + control.getClass().getSimpleName()
                        + (control.getId() != null ? " #" + control.getId() : ""));
            }
        }
        return nameless;
    }

    private static void collect(Node node, List<Label> labels, List<Control> controls) {
        if (node instanceof Label label) {
            labels.add(label);
        }
        if (node instanceof Control control && !(node instanceof Label)) {
            controls.add(control);
            if (control instanceof TableView<?>
                    || control instanceof ListView<?>
                    || control instanceof Spinner<?>
                    || control instanceof ComboBoxBase<?>) {
                return; // their inner parts (cells, editors) are announced with them
            }
        }
        if (node instanceof Parent parent) {
            for (Node child : parent.getChildrenUnmodifiable()) {
                collect(child, labels, controls);
            }
        }
    }

    private static boolean notBlank(String text) {
        return text != null && !text.isBlank();
    }

    private static <T> T onFx(Callable<T> work) throws Exception {
        java.util.concurrent.FutureTask<T> task = new java.util.concurrent.FutureTask<>(work);
        javafx.application.Platform.runLater(task);
        return task.get();
    }
}
