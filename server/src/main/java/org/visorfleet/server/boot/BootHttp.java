package org.visorfleet.server.boot;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.concurrent.Executors;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.visorfleet.aoe.codec.MacAddress;
import org.visorfleet.server.Refusal;
import org.visorfleet.server.events.EventLog;

/**
 * The boot script endpoint, {@code GET /boot/ipxe?mac=52:54:00:12:34:56}, on its own plain-HTTP
 * port: PXE firmware fetches it before it could know our CA. It reveals no more than which export a
 * MAC boots, which the client learns from AoE anyway, and changes nothing but the boot records.
 *
 * <p>Answers are iPXE scripts ({@link BootScripts}); a missing or malformed {@code mac} is a 400
 * with a one-line reason and a {@code boot.refused} event.
 */
public final class BootHttp implements AutoCloseable {

    public static final String PATH = "/boot/ipxe";
    private static final System.Logger LOG = System.getLogger(BootHttp.class.getName());

    private final Server jetty;
    private final ServerConnector connector;

    private BootHttp(Server jetty, ServerConnector connector) {
        this.jetty = jetty;
        this.connector = connector;
    }

    /** Listens on {@code bindHost:port} (0 picks a free port). */
    public static BootHttp start(String bindHost, int port, BootScripts scripts, EventLog events) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(32, 2);
        threads.setName("boot-http");
        threads.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
        Server jetty = new Server(threads);
        ServerConnector connector = new ServerConnector(jetty, 1, 1);
        connector.setHost(bindHost);
        connector.setPort(port);
        connector.setIdleTimeout(30_000);
        jetty.addConnector(connector);
        jetty.setHandler(new ScriptHandler(scripts, events));
        jetty.setStopTimeout(1_000);
        try {
            jetty.start();
        } catch (IOException e) {
            jetty.stop();
            throw new IOException(
                    "cannot serve boot scripts on " + bindHost + ":" + port + " (" + e.getMessage()
                            + "); choose another --boot-http-port, or 0 to serve none",
                    e);
        }
        return new BootHttp(jetty, connector);
    }

    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() {
        try {
            jetty.stop();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "stopping boot HTTP: {0}", e.toString());
        }
    }

    private static final class ScriptHandler extends Handler.Abstract {
        private final BootScripts scripts;
        private final EventLog events;

        ScriptHandler(BootScripts scripts, EventLog events) {
            this.scripts = scripts;
            this.events = events;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            String path = Request.getPathInContext(request);
            String remote = Request.getRemoteAddr(request);
            if (!PATH.equals(path)) {
                return reply(response, callback, 404, "no such path: try " + PATH + "?mac=MAC\n");
            }
            if (!"GET".equals(request.getMethod()) && !"HEAD".equals(request.getMethod())) {
                return reply(response, callback, 405, "only GET\n");
            }
            Fields query = Request.extractQueryParameters(request);
            try {
                MacAddress mac = BootClients.parseMac(value(query, "mac"));
                int attempt = attempt(value(query, "attempt"));
                URI self = URI.create(
                        "http://" + Request.getServerName(request) + ":" + Request.getServerPort(request) + PATH);
                String script = scripts.scriptFor(mac, remote, self, attempt);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
                return reply(response, callback, 200, script);
            } catch (Refusal r) {
                String line = "GET " + PATH + " -> " + r.kind().status + " " + r.getMessage();
                LOG.log(System.Logger.Level.INFO, "refused remote:{0}: {1}", remote, line);
                events.appendQuietly("boot.refused", "remote:" + remote, null, line);
                return reply(response, callback, r.kind().status, r.getMessage() + "\n");
            } catch (Exception e) {
                LOG.log(System.Logger.Level.ERROR, "boot script for " + remote, e);
                return reply(response, callback, 500, "internal server error\n");
            }
        }

        private static String value(Fields query, String name) {
            Fields.Field f = query.get(name);
            if (f == null) {
                return null;
            }
            List<String> values = f.getValues();
            if (values.size() > 1) {
                throw Refusal.invalid(name + " given " + values.size() + " times");
            }
            return f.getValue();
        }

        private static int attempt(String text) {
            if (text == null) {
                return 1;
            }
            try {
                int n = Integer.parseInt(text);
                if (n >= 1) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // below
            }
            throw Refusal.invalid("attempt must be a positive integer");
        }

        private static boolean reply(Response response, Callback callback, int status, String text) {
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            if (!response.getHeaders().contains(HttpHeader.CONTENT_TYPE)) {
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
            }
            Content.Sink.write(response, true, text, callback);
            return true;
        }
    }
}
