package org.visorfleet.console.connect;

import java.util.function.Consumer;
import javafx.geometry.Insets;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import org.visorfleet.console.Background;
import org.visorfleet.console.Controls;
import org.visorfleet.console.api.FleetApi;
import org.visorfleet.console.api.KnownServers;
import org.visorfleet.console.api.LoginResult;
import org.visorfleet.console.api.ServerCertificate;
import org.visorfleet.console.api.Session;

/**
 * The sign-in screen: server URL, user name and password, a Connect button (the default button, so
 * Enter connects) and a status line saying plainly what went wrong. On first contact with a server
 * it shows the server certificate's fingerprint in an inline pane and connects only after the user
 * chooses Trust. All network and disk work runs on background threads.
 *
 * <p>Node ids for tests and style sheets: {@code server}, {@code username}, {@code password},
 * {@code connect}, {@code status}, {@code trustPane}, {@code fingerprint}, {@code trust},
 * {@code cancelTrust}.
 */
public final class ConnectView {

    private final KnownServers known;
    private final Consumer<Session> onConnected;
    private final TextField server = new TextField();
    private final TextField username = new TextField();
    private final PasswordField password = new PasswordField();
    private final Button connect = new Button("_Connect");
    private final Label status = new Label();
    private final Label fingerprint = new Label();
    private final Button trust = new Button("_Trust");
    private final Button cancelTrust = new Button("C_ancel");
    private final VBox trustPane = new VBox(8);
    private final VBox root = new VBox(12);
    private ServerCertificate offered;

    /**
     * @param known where trusted server certificates are remembered
     * @param serverUrl the server URL to prefill (may be empty)
     * @param user the user name to prefill (may be empty)
     * @param onConnected called on the application thread once signed in
     */
    public ConnectView(KnownServers known, String serverUrl, String user, Consumer<Session> onConnected) {
        this.known = known;
        this.onConnected = onConnected;
        server.setText(serverUrl);
        username.setText(user);
        layout();
    }

    /** The node to put in a scene. */
    public Parent root() {
        return root;
    }

    /** Signs in with {@code secret} at once, as if typed into the password field and Connect pressed. */
    public void signIn(String secret) {
        password.setText(secret);
        connect();
    }

    /** Shows {@code message} in the status line (e.g. why the last session ended). */
    public void say(String message) {
        status.setText(message);
    }

    /** The server URL as typed. */
    public String serverUrl() {
        return server.getText().strip();
    }

    /** The user name as typed. */
    public String username() {
        return username.getText().strip();
    }

    private void layout() {
        server.setId("server");
        username.setId("username");
        password.setId("password");
        connect.setId("connect");
        status.setId("status");
        trustPane.setId("trustPane");
        fingerprint.setId("fingerprint");
        trust.setId("trust");
        cancelTrust.setId("cancelTrust");

        server.setPromptText("https://fleet.example:8443");
        server.setAccessibleText("Server URL");
        username.setAccessibleText("User name");
        password.setAccessibleText("Password");
        connect.setAccessibleText("Connect to the server");
        status.setAccessibleText("Connection status");
        fingerprint.setAccessibleText("Server certificate fingerprint");
        trust.setAccessibleText("Trust this server certificate and connect");
        cancelTrust.setAccessibleText("Do not trust this server certificate");
        status.setWrapText(true);
        fingerprint.setWrapText(true);

        GridPane form = new GridPane(8, 8);
        form.addRow(0, Controls.mnemonicLabel("_Server URL", server), server);
        form.addRow(1, Controls.mnemonicLabel("_User name", username), username);
        form.addRow(2, Controls.mnemonicLabel("_Password", password), password);
        server.setPrefColumnCount(28);

        connect.setDefaultButton(true);
        connect.setOnAction(e -> connect());
        trust.setOnAction(e -> trustOffered());
        cancelTrust.setOnAction(e -> cancelTrust());
        trustPane.getChildren().addAll(fingerprint, new HBox(8, trust, cancelTrust));
        trustPane.getStyleClass().add("trust-pane");
        showTrustPane(false);

        root.setPadding(new Insets(24));
        root.getStyleClass().add("connect-view");
        Label title = new Label("Sign in to a visorfleet server");
        title.getStyleClass().add("title");
        Label hint = new Label("The console talks to the server over HTTPS only. On first contact it shows the"
                + " server's certificate fingerprint for you to compare before trusting it.");
        hint.setWrapText(true);
        hint.setMaxWidth(520);
        root.getChildren().addAll(title, hint, form, connect, trustPane, status);
    }

    private void connect() {
        FleetApi api;
        try {
            api = FleetApi.forServer(serverUrl(), known);
        } catch (IllegalArgumentException e) {
            status.setText(e.getMessage());
            return;
        }
        if (username().isEmpty()) {
            status.setText("Enter a user name.");
            return;
        }
        busy(true);
        status.setText("Connecting to " + api.address() + " …");
        String user = username();
        String secret = password.getText();
        Background.run(() -> api.login(user, secret), result -> show(api, result), failure -> {
            api.close();
            busy(false);
            status.setText("Cannot connect: " + failure.getMessage());
        });
    }

    private void show(FleetApi api, LoginResult result) {
        busy(false);
        if (!(result instanceof LoginResult.LoggedIn)) {
            api.close();
        }
        status.setText(
                switch (result) {
                    case LoginResult.LoggedIn loggedIn -> {
                        password.clear();
                        onConnected.accept(loggedIn.session());
                        yield "Connected to " + api.address() + ".";
                    }
                    case LoginResult.WrongCredentials w -> "Wrong user name or password.";
                    case LoginResult.Throttled t -> "Too many failed sign-ins: wait a little and try again.";
                    case LoginResult.Unreachable u ->
                        "The server at " + u.address() + " is unreachable (" + u.detail() + ").";
                    case LoginResult.UnknownCertificate unknown -> {
                        offer(unknown.certificate());
                        yield "First connection to " + unknown.certificate().server()
                                + ": check the certificate fingerprint with your administrator, then choose Trust.";
                    }
                    case LoginResult.CertificateChanged changed ->
                        "Refused: the certificate of " + changed.presented().server() + " CHANGED. It was "
                                + changed.remembered() + ", it is now "
                                + changed.presented().sha256()
                                + ". This may be an attack; if the server was re-installed, remove its line from "
                                + known.file() + ".";
                    case LoginResult.NotAFleetServer not -> "This is not a visorfleet server: " + not.detail() + ".";
                });
    }

    private void offer(ServerCertificate certificate) {
        offered = certificate;
        fingerprint.setText("Server " + certificate.server() + ": " + certificate.serverSubject()
                + "\nFleet CA: " + certificate.subject()
                + "\nCA SHA-256: " + certificate.displayFingerprint()
                + "\n(server init printed this fingerprint; openssl x509 -in DATA/ca.pem -noout -fingerprint -sha256"
                + " shows it)");
        showTrustPane(true);
        trust.requestFocus();
    }

    private void trustOffered() {
        ServerCertificate certificate = offered;
        showTrustPane(false);
        busy(true);
        Background.run(
                () -> {
                    known.remember(certificate.server(), certificate.sha256());
                    return certificate;
                },
                done -> {
                    busy(false);
                    connect();
                },
                failure -> {
                    busy(false);
                    status.setText("Cannot remember the certificate: " + failure.getMessage());
                });
    }

    private void cancelTrust() {
        offered = null;
        showTrustPane(false);
        status.setText("Not connected: the server's certificate was not trusted.");
        server.requestFocus();
    }

    private void showTrustPane(boolean shown) {
        trustPane.setVisible(shown);
        trustPane.setManaged(shown);
    }

    private void busy(boolean busy) {
        connect.setDisable(busy);
        server.setDisable(busy);
        username.setDisable(busy);
        password.setDisable(busy);
    }
}
