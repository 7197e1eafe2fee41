package org.visorfleet.console.terminal;

import java.io.IOException;
import javafx.application.Platform;
import javafx.geometry.Insets;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.layout.BorderPane;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.visorfleet.console.ConsoleHome;
import org.visorfleet.console.Workspace;
import org.visorfleet.console.api.Session;

/**
 * A window with a shell on one client: a {@link TerminalView} connected through the server's
 * bastion ({@link TerminalConnection}), titled "Terminal — CLIENT", with a status line saying
 * whether it is connecting, connected, or closed and why (the bastion's or the desktop's refusal
 * included). Closing the window ends the SSH session. Ids: {@code terminal}, {@code terminalStatus}.
 */
public final class TerminalWindow {

    /** What the status line says; each state has a word, not only a colour. */
    enum State {
        CONNECTING("terminal-status-connecting", "… "),
        CONNECTED("terminal-status-connected", "● "),
        CLOSED("terminal-status-closed", "○ "),
        FAILED("terminal-status-failed", "✕ ");

        final String styleClass;
        final String mark;

        State(String styleClass, String mark) {
            this.styleClass = styleClass;
            this.mark = mark;
        }
    }

    private final Session session;
    private final ConsoleHome home;
    private final String clientName;
    private final Stage stage = new Stage();
    private final TerminalView view = new TerminalView(100, 30);
    private final Label status = new Label();
    private volatile TerminalConnection connection;
    private volatile boolean windowClosed;
    private Thread connecting;

    private TerminalWindow(Session session, ConsoleHome home, String clientName) {
        this.session = session;
        this.home = home;
        this.clientName = clientName;
    }

    /** Opens a terminal window on {@code clientName} as the signed-in technician. */
    public static void open(Workspace workspace, String clientName) {
        open(workspace, clientName, ConsoleHome.fromSystem());
    }

    /** As {@link #open(Workspace, String)}, with the console's SSH key kept under {@code home}. */
    public static TerminalWindow open(Workspace workspace, String clientName, ConsoleHome home) {
        TerminalWindow window = new TerminalWindow(workspace.session(), home, clientName);
        window.show();
        return window;
    }

    /** The window (for tests and for callers that want to place it). */
    public Stage stage() {
        return stage;
    }

    /** The terminal in the window. */
    public TerminalView view() {
        return view;
    }

    private void show() {
        status.setId("terminalStatus");
        status.setAccessibleText("Terminal status");
        status.getStyleClass().add("terminal-status");
        status.setPadding(new Insets(4, 8, 4, 8));
        status.setMaxWidth(Double.MAX_VALUE);
        view.setAccessibleText("Terminal on " + clientName);
        BorderPane root = new BorderPane(view);
        root.setBottom(status);
        root.getStyleClass().add("terminal-window");
        Scene scene = new Scene(root);
        Window.getWindows().stream()
                .filter(w -> w.isShowing() && w.getScene() != null && w != stage)
                .findFirst()
                .ifPresent(w -> scene.getStylesheets().setAll(w.getScene().getStylesheets()));
        stage.setScene(scene);
        stage.setTitle("Terminal — " + clientName);
        stage.setOnHidden(e -> windowClosed());
        setStatus(State.CONNECTING, "Connecting to " + clientName + " through the bastion…");
        stage.show();
        view.requestFocus();
        connect(view.columns(), view.rows());
    }

    private void connect(int columns, int rows) {
        view.setOnInput(bytes -> {
            TerminalConnection c = connection;
            if (c != null) {
                c.send(bytes);
            }
        });
        view.setOnResize((c, r) -> {
            TerminalConnection open = connection;
            if (open != null) {
                Thread.ofVirtual().name("terminal-resize").start(() -> open.resize(c, r));
            }
        });
        TerminalConnection.Listener listener = new TerminalConnection.Listener() {
            @Override
            public void output(byte[] data, int offset, int length) {
                view.feed(data, offset, length);
            }

            @Override
            public void closed(String reason) {
                Platform.runLater(() -> setStatus(State.CLOSED, "Closed: " + reason));
            }
        };
        connecting = Thread.ofVirtual().name("terminal-connect").start(() -> {
            try {
                ConsoleKey key = ConsoleKey.loadOrCreate(home.dir().resolve("ssh"), session.username());
                TerminalConnection opened = TerminalConnection.open(session, key, clientName, columns, rows, listener);
                if (windowClosed) {
                    opened.close();
                    return;
                }
                connection = opened;
                Platform.runLater(() -> connected(opened));
            } catch (InterruptedException e) {
                // the window closed while connecting
            } catch (IOException | RuntimeException e) {
                Platform.runLater(() -> setStatus(State.FAILED, "Refused: " + describe(e)));
            }
        });
    }

    private void connected(TerminalConnection opened) {
        setStatus(State.CONNECTED, "Connected to " + clientName + " as " + session.username());
        // The window may have been resized while connecting: the shell learns the size now.
        int columns = view.columns();
        int rows = view.rows();
        Thread.ofVirtual().name("terminal-resize").start(() -> opened.resize(columns, rows));
    }

    private void windowClosed() {
        windowClosed = true;
        view.dispose();
        TerminalConnection c = connection;
        if (c != null) {
            Thread.ofVirtual().name("terminal-close").start(c::close);
        } else if (connecting != null) {
            connecting.interrupt();
        }
    }

    private void setStatus(State state, String text) {
        status.setText(state.mark + text);
        status.getStyleClass().removeIf(c -> c.startsWith("terminal-status-"));
        status.getStyleClass().add(state.styleClass);
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
