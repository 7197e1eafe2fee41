package org.visorfleet.server.ssh;

import java.io.IOException;
import java.time.Clock;
import org.apache.sshd.client.future.DefaultOpenFuture;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.server.forward.TcpForwardingFilter;
import org.apache.sshd.server.forward.TcpipServerChannel;
import org.visorfleet.server.Refusal;
import org.visorfleet.server.auth.Principal;
import org.visorfleet.server.events.EventLog;

/**
 * A technician's jump ({@code direct-tcpip}, what {@code ssh -J} and {@code ssh -W} open): the host
 * they name is a client's name, which the {@link JumpResolver} turns into that client's tunnel on
 * loopback; from there MINA's own TCP/IP forwarding carries the bytes. Refusals reach OpenSSH as
 * "administratively prohibited: REASON"; every jump, refused or not, is an event, and so is its end
 * with its duration.
 */
final class JumpChannel extends TcpipServerChannel {

    /** Where tunnels are bound; the forwarding filter lets jumps reach only tunnels there. */
    static final String TUNNEL_HOST = "127.0.0.1";

    private final JumpResolver resolver;
    private final EventLog events;
    private final Clock clock;

    JumpChannel(JumpResolver resolver, EventLog events, Clock clock) {
        super(TcpForwardingFilter.Type.Direct, null);
        this.resolver = resolver;
        this.events = events;
        this.clock = clock;
    }

    @Override
    protected OpenFuture doInit(Buffer buffer) {
        String host = buffer.getString();
        int port = buffer.getInt();
        String originatorHost = buffer.getString();
        int originatorPort = buffer.getInt();
        Session session = getSession();
        Principal who = BastionSessions.technician(session).orElse(null);
        if (who == null) {
            return refuse("only technicians may jump", null, host);
        }
        AgentTunnels.Tunnel tunnel;
        try {
            tunnel = resolver.resolve(who, host, port);
        } catch (Refusal refusal) {
            return refuse(refusal.getMessage(), who, host);
        } catch (Exception e) {
            return refuse("the fleet database is unavailable", who, host);
        }
        long started = clock.millis();
        String from = BastionSessions.remote(session);
        events.appendQuietly("ssh.jump", who.actor(), tunnel.clientName(), "from " + from);
        addChannelListener(new org.apache.sshd.common.channel.ChannelListener() {
            @Override
            public void channelClosed(Channel channel, Throwable reason) {
                long seconds = Math.max(0, (clock.millis() - started) / 1000);
                events.appendQuietly(
                        "ssh.jump-ended", who.actor(), tunnel.clientName(), "after " + seconds + " s, from " + from);
            }
        });
        Buffer rewritten = new ByteArrayBuffer();
        rewritten.putString(TUNNEL_HOST);
        rewritten.putInt(tunnel.port());
        rewritten.putString(originatorHost);
        rewritten.putInt(originatorPort);
        return super.doInit(rewritten);
    }

    private OpenFuture refuse(String reason, Principal who, String host) {
        String actor = who == null ? "remote:" + BastionSessions.remote(getSession()) : who.actor();
        events.appendQuietly("ssh.jump-refused", actor, null, "to " + clip(host) + ": " + reason);
        DefaultOpenFuture refused = new DefaultOpenFuture(this, this);
        BastionConnections.refuse(getSession(), getRecipient(), reason);
        refused.setException(new Refused(reason));
        close(true);
        return refused;
    }

    /** Why a jump was refused (the text reaches OpenSSH through {@link BastionConnections}). */
    static final class Refused extends IOException {
        Refused(String reason) {
            super(reason);
        }
    }

    private static String clip(String host) {
        if (host == null) {
            return "(none)";
        }
        String cut = host.length() > 64 ? host.substring(0, 64) + "..." : host;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    /** Makes a {@link JumpChannel} for every {@code direct-tcpip} open. */
    static final class Factory extends TcpipServerChannel.TcpipFactory {

        private final JumpResolver resolver;
        private final EventLog events;
        private final Clock clock;

        Factory(JumpResolver resolver, EventLog events, Clock clock) {
            super(TcpForwardingFilter.Type.Direct);
            this.resolver = resolver;
            this.events = events;
            this.clock = clock;
        }

        @Override
        public Channel createChannel(Session session) throws IOException {
            return new JumpChannel(resolver, events, clock);
        }
    }
}
