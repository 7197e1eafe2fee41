package org.visorfleet.aoe.store;

import java.io.IOException;
import java.nio.file.Path;
import org.visorfleet.aoe.codec.MacAddress;

/**
 * Child JVM for cross-process locking tests. Reads nothing but stdin's end, which means "exit".
 * <ul>
 *   <li>{@code hold DIR EXPORT MAC GOLDEN TAG}: opens the overlay, prints {@code OPEN}, keeps it open
 *       until stdin closes.</li>
 *   <li>{@code reset DIR EXPORT MAC}: tries to reset, prints {@code RESET true|false} or
 *       {@code REFUSED <message>}.</li>
 * </ul>
 */
public final class OverlayHolderChild {
    private OverlayHolderChild() {}

    public static void main(String[] args) throws IOException {
        OverlayDirectory directory = new OverlayDirectory(Path.of(args[1]));
        ExportAddress export = ExportAddress.of(args[2]);
        MacAddress client = MacAddress.of(args[3]);
        switch (args[0]) {
            case "hold" -> {
                try (RawFileStore golden = RawFileStore.open(Path.of(args[4]), true);
                        CowOverlayStore overlay = directory.open(export, client, golden, args[5])) {
                    System.out.println("OPEN " + overlay.allocatedSectors());
                    System.out.flush();
                    System.in.transferTo(java.io.OutputStream.nullOutputStream());
                }
            }
            case "reset" -> {
                try {
                    System.out.println("RESET " + directory.reset(export, client));
                } catch (OverlayInUseException e) {
                    System.out.println("REFUSED " + e.getMessage());
                }
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
    }
}
