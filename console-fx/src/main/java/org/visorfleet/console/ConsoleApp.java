package org.visorfleet.console;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import javafx.animation.PauseTransition;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.CheckMenuItem;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.stage.Screen;
import javafx.stage.Stage;
import javafx.util.Duration;
import org.visorfleet.console.api.KnownServers;
import org.visorfleet.console.api.Session;
import org.visorfleet.console.boot.BootView;
import org.visorfleet.console.clients.ClientsView;
import org.visorfleet.console.connect.ConnectView;
import org.visorfleet.console.dashboard.DashboardView;
import org.visorfleet.console.events.EventsView;
import org.visorfleet.console.grid.GridView;
import org.visorfleet.console.terminal.TerminalWindow;

/**
 * The visorfleet helpdesk console: one window that starts on the {@link ConnectView} and, once
 * signed in, shows the {@link MainView} with the {@link #SECTIONS}; when the server ends the
 * session, it goes back to the connect view and says why. A View menu switches between the light and the dark
 * style sheet; the choice, the last server and the last user name are remembered in the
 * {@link ConsoleHome}. Arguments: {@code --server URL} and {@code --user NAME} prefill the form;
 * {@code --password-file FILE} signs in at once with the password in that file (the demo uses it).
 */
public final class ConsoleApp extends Application {

    private static final System.Logger LOG = System.getLogger(ConsoleApp.class.getName());
    private static final String LIGHT = "light.css";
    private static final String DARK = "dark.css";
    private static final double DEFAULT_WIDTH = 1100;
    private static final double DEFAULT_HEIGHT = 720;

    private final ConsoleHome home = ConsoleHome.fromSystem();
    private ConsoleSettings settings = ConsoleSettings.EMPTY;
    private final BorderPane frame = new BorderPane();
    private Scene scene;
    private MainView main;
    private String password;

    /** The sections of the signed-in console, in navigation order. */
    static final List<Function<Workspace, ConsoleView>> SECTIONS = List.of(
            workspace -> new DashboardView(workspace),
            workspace -> new ClientsView(workspace, client -> TerminalWindow.open(workspace, client)),
            workspace -> new GridView(workspace),
            workspace -> new BootView(workspace),
            workspace -> new EventsView(workspace));

    private ConnectView connectView;

    /** Starts the console; {@code args} may hold {@code --server URL}. */
    public static void main(String[] args) {
        launch(ConsoleApp.class, args);
    }

    /** Reads the settings on the JavaFX launcher thread, so the application thread never touches the disk. */
    @Override
    public void init() {
        try {
            settings = ConsoleSettings.load(home.settings());
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, e.getMessage());
        }
        Optional<String> file = argument(getParameters().getRaw(), "--password-file");
        if (file.isPresent()) {
            try {
                password = Files.readString(Path.of(file.get())).strip();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot read the password file: " + e.getMessage());
            }
        }
    }

    @Override
    public void start(Stage stage) {
        List<String> args = getParameters().getRaw();
        String server = argument(args, "--server").orElse(settings.server());
        String user = argument(args, "--user").orElse(settings.username());
        connectView = new ConnectView(new KnownServers(home.knownServers()), server, user, this::showMain);
        frame.setTop(menuBar());
        frame.setCenter(connectView.root());
        scene = new Scene(frame, DEFAULT_WIDTH, DEFAULT_HEIGHT);
        applyTheme();
        stage.setTitle("visorfleet console");
        stage.setScene(scene);
        placeWindow(stage, settings.window());
        stage.show();
        rememberWindow(stage);
        if (password != null) {
            connectView.signIn(password);
            password = null;
        }
    }

    private void showMain(Session session) {
        settings = settings.withLogin(connectView.serverUrl(), connectView.username());
        saveSettings();
        Workspace workspace = new Workspace(session, LiveEvents.open(session));
        main = new MainView(
                workspace,
                SECTIONS.stream().map(section -> section.apply(workspace)).toList(),
                () -> signOut(session));
        MainView shown = main;
        session.onEnded(() -> Platform.runLater(() -> {
            if (main == shown) {
                backToConnect("The session has ended (it expired or was signed out); sign in again.");
            }
        }));
        frame.setCenter(main.root());
    }

    private void signOut(Session session) {
        backToConnect("Signed out.");
        Background.run(
                () -> {
                    session.logout();
                    return session;
                },
                done -> {},
                failure -> LOG.log(System.Logger.Level.DEBUG, "sign out: " + failure.getMessage()));
    }

    private void backToConnect(String message) {
        if (main != null) {
            main.close();
            main = null;
        }
        connectView.say(message);
        frame.setCenter(connectView.root());
    }

    /** Puts the window where it was last time, if that place is still on a screen. */
    private static void placeWindow(Stage stage, ConsoleSettings.Window window) {
        if (window == null) {
            return;
        }
        boolean visible = !Screen.getScreensForRectangle(window.x(), window.y(), window.width(), window.height())
                .isEmpty();
        if (visible) {
            stage.setX(window.x());
            stage.setY(window.y());
            stage.setWidth(window.width());
            stage.setHeight(window.height());
        }
        stage.setMaximized(window.maximized());
    }

    /** Saves the window's place and size half a second after it last moved or changed size. */
    private void rememberWindow(Stage stage) {
        PauseTransition settle = new PauseTransition(Duration.millis(500));
        settle.setOnFinished(e -> {
            ConsoleSettings.Window now = new ConsoleSettings.Window(
                    stage.getX(), stage.getY(), stage.getWidth(), stage.getHeight(), stage.isMaximized());
            if (!now.equals(settings.window())) {
                settings = settings.withWindow(now);
                saveSettings();
            }
        });
        javafx.beans.InvalidationListener moved = property -> settle.playFromStart();
        stage.xProperty().addListener(moved);
        stage.yProperty().addListener(moved);
        stage.widthProperty().addListener(moved);
        stage.heightProperty().addListener(moved);
        stage.maximizedProperty().addListener(moved);
    }

    private MenuBar menuBar() {
        CheckMenuItem dark = new CheckMenuItem("_Dark theme");
        dark.setSelected(settings.dark());
        dark.setAccelerator(KeyCombination.keyCombination("Shortcut+D"));
        // The selection, not the action: a key press, a click and code all go through it.
        dark.selectedProperty().addListener((property, was, now) -> {
            settings = settings.withDark(now);
            applyTheme();
            saveSettings();
        });
        return new MenuBar(new Menu("_View", null, dark));
    }

    private void applyTheme() {
        String sheet = settings.dark() ? DARK : LIGHT;
        scene.getStylesheets().setAll(ConsoleApp.class.getResource(sheet).toExternalForm());
    }

    private void saveSettings() {
        ConsoleSettings snapshot = settings;
        Background.run(
                () -> {
                    snapshot.save(home.settings());
                    return snapshot;
                },
                saved -> {},
                failure -> LOG.log(System.Logger.Level.WARNING, "cannot save settings: " + failure.getMessage()));
    }

    @Override
    public void stop() {
        if (main != null) {
            main.close();
        }
    }

    /** The value after {@code name} in {@code args}, if any. */
    static Optional<String> argument(List<String> args, String name) {
        for (int i = 0; i + 1 < args.size(); i++) {
            if (args.get(i).equals(name)) {
                return Optional.of(args.get(i + 1));
            }
        }
        return Optional.empty();
    }
}
