package org.visorfleet.agent.outbox;

import java.nio.file.Path;

/**
 * Child process for {@link EventOutboxKillTest}: appends events as fast as it can and prints each
 * seq only after {@link EventOutbox#append} returned, until it is killed.
 */
public final class OutboxWriterMain {
    private OutboxWriterMain() {}

    public static void main(String[] args) throws Exception {
        try (EventOutbox outbox = EventOutbox.open(Path.of(args[0]))) {
            System.out.println("ready " + outbox.lastSeq());
            System.out.flush();
            while (true) {
                long seq = outbox.append("test.kill", "detail " + "x".repeat((int) (Math.random() * 200)))
                        .seq();
                System.out.println(seq);
                System.out.flush();
            }
        }
    }
}
