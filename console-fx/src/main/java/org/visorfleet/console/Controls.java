package org.visorfleet.console;

import java.util.function.Function;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;

/** Small builders for the controls every view makes the same way. */
public final class Controls {

    private Controls() {}

    /**
     * A label for {@code target}: its {@code _X} mnemonic (Alt+X) moves the focus there, and screen
     * readers announce {@code target} with the label's words.
     */
    public static Label mnemonicLabel(String text, Node target) {
        Label label = new Label(text);
        label.setMnemonicParsing(true);
        label.setLabelFor(target);
        return label;
    }

    /** A column showing {@code value} of each row as text, {@code width} pixels wide to begin with. */
    public static <T> TableColumn<T, String> textColumn(String title, double width, Function<T, String> value) {
        TableColumn<T, String> column = new TableColumn<>(title);
        column.setCellValueFactory(cell -> new ReadOnlyStringWrapper(value.apply(cell.getValue())));
        column.setPrefWidth(width);
        return column;
    }
}
