package io.escrowstore.launcher;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.escrowstore.Member;
import io.escrowstore.StoreStatus;
import io.escrowstore.raft.EscrowStoreMetrics;
import io.escrowstore.raft.RaftPaymentStore;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The node's HTTP endpoints ({@code --http-port}), on the JDK's built-in HTTP server, plain HTTP,
 * bound to the node's own host like its Raft port:
 * <ul>
 *   <li>{@code GET /health/live}: 200 while the process serves HTTP.</li>
 *   <li>{@code GET /health/ready}: 200 once {@link RaftPaymentStore#ready()} completes within
 *       {@link #READY_CHECK_TIMEOUT}: a leader backed by a majority confirmed a read index after
 *       the probe arrived, and this node applied up to it. Otherwise 503, with the reason in the
 *       body. Each probe asks afresh, so a node cut off from the majority turns unready.</li>
 *   <li>{@code GET /metrics}: the node's {@link EscrowStoreMetrics} in the Prometheus text format.</li>
 * </ul>
 * Requests are answered on two threads of its own, never on the store's.
 */
final class HealthServer implements AutoCloseable {
    /** How long one readiness probe waits for the store; below a typical probe timeout of 1 s or more. */
    static final Duration READY_CHECK_TIMEOUT = Duration.ofMillis(800);
    private static final String TEXT = "text/plain; charset=utf-8";
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService handlers;
    private final EscrowStoreMetrics metrics;
    private final PrometheusMeterRegistry registry;

    private HealthServer(HttpServer server, ExecutorService handlers, EscrowStoreMetrics metrics,
            PrometheusMeterRegistry registry) {
        this.server = server;
        this.handlers = handlers;
        this.metrics = metrics;
        this.registry = registry;
    }

    /**
     * Binds {@code port} on the store's own host and starts serving.
     *
     * @throws UncheckedIOException if the port cannot be bound
     */
    static HealthServer start(RaftPaymentStore store, int port) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(store.config().self().host(), port), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind the HTTP port " + store.config().self().host() + ":" + port, e);
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        EscrowStoreMetrics metrics = new EscrowStoreMetrics(store);
        metrics.bindTo(registry);
        ExecutorService handlers = Executors.newFixedThreadPool(2, task -> {
            Thread thread = new Thread(task, "escrow-http");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(handlers);
        server.createContext("/health/live", endpoint(() -> new Response(200, TEXT, "live\n")));
        server.createContext("/health/ready", endpoint(() -> ready(store)));
        server.createContext("/metrics", endpoint(() -> new Response(200, PROMETHEUS_TEXT, registry.scrape())));
        server.start();
        return new HealthServer(server, handlers, metrics, registry);
    }

    /** The bound address. */
    InetSocketAddress address() {
        return server.getAddress();
    }

    private static Response ready(RaftPaymentStore store) {
        CompletableFuture<StoreStatus> ready = store.ready();
        int code;
        String body;
        try {
            StoreStatus status = ready.get(READY_CHECK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            code = 200;
            body = "ready: leader " + status.leader().map(Member::toString).orElse("?") + ", term " + status.term()
                    + ", applied index " + status.lastAppliedIndex() + "\n";
        } catch (TimeoutException e) {
            code = 503;
            StoreStatus view = store.status();
            body = "not ready: no leader backed by a majority confirmed this node caught up within "
                    + READY_CHECK_TIMEOUT.toMillis() + " ms (leader " + view.leader().map(Member::toString)
                    .orElse("unknown") + ", applied index " + view.lastAppliedIndex() + ")\n";
        } catch (ExecutionException e) {
            code = 503;
            body = "not ready: " + e.getCause().getMessage() + "\n";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            code = 503;
            body = "not ready: interrupted\n";
        } finally {
            ready.cancel(false);
        }
        return new Response(code, TEXT, body);
    }

    /** Answers GET and HEAD of exactly the context's path with {@code answer}, computed only then. */
    private static HttpHandler endpoint(Supplier<Response> answer) {
        return exchange -> {
            try (exchange) {
                respond(exchange, answer);
            }
        };
    }

    private static void respond(HttpExchange exchange, Supplier<Response> answer) throws IOException {
        String method = exchange.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            exchange.sendResponseHeaders(405, -1);
            return;
        }
        String path = exchange.getRequestURI().getPath();
        if (!path.equals(exchange.getHttpContext().getPath())) {
            exchange.sendResponseHeaders(404, -1);
            return;
        }
        Response response = answer.get();
        byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", response.contentType());
        if (method.equals("HEAD")) {
            exchange.sendResponseHeaders(response.code(), -1);
            return;
        }
        exchange.sendResponseHeaders(response.code(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** An HTTP answer: status code, content type, body. */
    private record Response(int code, String contentType, String body) {
    }

    /** Stops serving (waiting at most a second for requests in flight) and removes the meters. */
    @Override
    public void close() {
        server.stop(1);
        handlers.shutdownNow();
        metrics.close();
        registry.close();
    }
}
