package io.escrowstore.launcher;

import io.escrowstore.Member;
import io.escrowstore.StoreStatus;
import io.escrowstore.raft.RaftPaymentStore;
import io.escrowstore.raft.RaftStoreConfig;
import io.escrowstore.raft.internal.engine.StoreProperties;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Runs one store node ({@link RaftPaymentStore}) as its own process, so the members of a group can
 * run on separate hosts. It logs its settings, then the node's status every
 * {@code --status-interval}, and runs until the JVM is terminated: on SIGTERM (or Ctrl-C) a
 * shutdown hook closes the node cleanly.
 *
 * <p>Every option can also be set in the Java properties file named by {@code --config}, keyed by
 * its long name without dashes ({@code data-dir=/var/lib/escrow/n1}); flags override the file and
 * an unknown key is an error. Flags and file values are parsed alike, by {@link StoreProperties}.
 * Exit codes: 2 for invalid options, 1 if the node cannot start.
 *
 * <p>It logs how long the node took to become ready ({@link RaftPaymentStore#ready()}). With
 * {@code --http-port} it also serves liveness, readiness and Prometheus metrics over HTTP
 * ({@link HealthServer}).
 *
 * <p>It opens the same {@link RaftPaymentStore} a replica service embeds, so process mode and
 * embedded mode share one code path. {@code status|add-member|remove-member|replace-member|
 * transfer-leadership ...} asks a running node over its admin RPC instead, and
 * {@code restore-snapshot} seeds an empty data directory from a backup ({@link AdminCommands}).
 *
 * <pre>
 * java -jar escrow-store-launcher.jar \
 *     --self 127.0.0.1:7001 --members 127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003 \
 *     --data-dir /var/lib/escrow/n1 --group-id 0x&lt;64 hex digits&gt;
 * java -jar escrow-store-launcher.jar --config n1.properties
 * </pre>
 */
@Command(name = "escrow-store-node", sortOptions = false, sortSynopsis = false, usageHelpAutoWidth = true,
        description = "Runs one escrow-store node until the process is terminated.")
public final class NodeLauncher implements Callable<Integer> {
    private static final String DEFAULT_STATUS_INTERVAL = "10s";

    @Spec
    private CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Java properties file of option values, keyed by long option name without dashes.")
    private Path configFile;

    @Option(names = "--status-interval", paramLabel = "DURATION",
            description = "How often to log the node's status, or 0 for never. Default: " + DEFAULT_STATUS_INTERVAL + ".")
    private String statusIntervalFlag;

    @Option(names = "--http-port", paramLabel = "PORT",
            description = "Serve /health/live, /health/ready and /metrics over HTTP on this port of the node's own host."
                    + " Default: off.")
    private String httpPortFlag;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Print this help and exit.")
    private boolean help;

    private Duration statusInterval;
    /** The HTTP port, or null for no HTTP endpoints. */
    private Integer httpPort;

    /** Parses {@code args} (and the {@code --config} file they name) into the node's settings. */
    static RaftStoreConfig parse(String... args) {
        NodeLauncher launcher = new NodeLauncher();
        launcher.commandLine().parseArgs(args);
        return launcher.storeConfig();
    }

    /**
     * Runs one node until the JVM is terminated; see the class comment. With a first argument of
     * {@code status}, {@code add-member}, {@code remove-member}, {@code replace-member},
     * {@code transfer-leadership} or {@code restore-snapshot} it instead runs that command and
     * exits (see {@link AdminCommands}).
     */
    public static void main(String[] args) {
        if (args.length > 0 && AdminCommands.handles(args[0])) {
            LauncherLogging.quietClient();
            System.exit(AdminCommands.run(args));
        }
        LauncherLogging.nodeDefaults();
        int exitCode = new NodeLauncher().commandLine().execute(args);
        // call() returns OK only once the shutdown hook has closed the node; System.exit would block then.
        if (exitCode != CommandLine.ExitCode.OK) {
            System.exit(exitCode);
        }
    }

    CommandLine commandLine() {
        CommandLine cmd = new CommandLine(this);
        NodeOptions.STORE.forEach(option -> cmd.getCommandSpec().addOption(option.spec()));
        return cmd;
    }

    /** Opens the node, logs its status until terminated, and closes it from a shutdown hook. */
    @Override
    public Integer call() throws InterruptedException {
        RaftStoreConfig config = storeConfig();
        Logger log = log();
        Optional<String> refusal = refusal(config);
        if (refusal.isPresent()) {
            log.error("Refusing to start: {}", refusal.get());
            return CommandLine.ExitCode.USAGE;
        }
        log.info("Starting store node: {}", config);
        long opening = config.timeSource().nanoTime();
        RaftPaymentStore store;
        HealthServer http;
        try {
            store = RaftPaymentStore.open(config);
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            log.error("Cannot start store node {}: {}{}", config.self(), e.getMessage(),
                    root == e ? "" : " (" + root.getMessage() + ")", e);
            return CommandLine.ExitCode.SOFTWARE;
        }
        try {
            http = httpPort == null ? null : HealthServer.start(store, httpPort);
        } catch (UncheckedIOException e) {
            log.error("Cannot start store node {}: {}", config.self(), e.getMessage(), e);
            store.close();
            return CommandLine.ExitCode.SOFTWARE;
        }
        if (http != null) {
            log.info("HTTP endpoints /health/live, /health/ready, /metrics on {}", http.address());
        }
        store.ready().thenAccept(ready -> log.info("Ready after {} ms: leader {}, term {}, applied index {}",
                TimeUnit.NANOSECONDS.toMillis(config.timeSource().nanoTime() - opening),
                ready.leader().map(Member::toString).orElse("?"), ready.term(), ready.lastAppliedIndex()));
        ScheduledExecutorService statusLog = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "escrow-status");
            thread.setDaemon(true);
            return thread;
        });
        if (!statusInterval.isZero()) {
            long millis = Math.max(1, statusInterval.toMillis());
            statusLog.scheduleAtFixedRate(() -> logStatus(store), millis, millis, TimeUnit.MILLISECONDS);
        }
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("Terminating: closing store node {}", config.self());
            statusLog.shutdownNow();
            if (http != null) {
                http.close();
            }
            store.close();
            closed.countDown();
        }, "escrow-shutdown"));
        closed.await();
        return CommandLine.ExitCode.OK;
    }

    private static void logStatus(RaftPaymentStore store) {
        StoreStatus s = store.status();
        log().info("Status: self={} leader={} term={} appliedIndex={} members={}", s.self(),
                s.leader().map(Member::toString).orElse("none"), s.term(), s.lastAppliedIndex(), s.members());
    }

    /** Why a node must not start with {@code config}: test-only unsafe switches are on; empty if it may. */
    static Optional<String> refusal(RaftStoreConfig config) {
        return config.unsafeSwitches().isEmpty() ? Optional.empty()
                : Optional.of("test-only unsafe switches " + config.unsafeSwitches() + " are on");
    }

    /** Looked up when first used, after {@link LauncherLogging} set the backend's defaults. */
    private static Logger log() {
        return LoggerFactory.getLogger(NodeLauncher.class);
    }

    /** The file's values overridden by the flags, parsed by {@link StoreProperties}; sets the status interval. */
    private RaftStoreConfig storeConfig() {
        Map<String, String> values = new HashMap<>(fileValues());
        for (NodeOptions.Option option : NodeOptions.STORE) {
            String flag = spec.findOption("--" + option.key()).getValue();
            if (flag != null) {
                values.put(option.key(), flag);
            }
        }
        if (statusIntervalFlag != null) {
            values.put(NodeConfigFile.STATUS_INTERVAL, statusIntervalFlag);
        }
        if (httpPortFlag != null) {
            values.put(NodeConfigFile.HTTP_PORT, httpPortFlag);
        }
        for (String key : StoreProperties.REQUIRED) {
            if (values.get(key) == null || values.get(key).isBlank()) {
                OptionSpec option = spec.findOption("--" + key);
                throw new ParameterException(spec.commandLine(),
                        "Missing required option: '" + option.longestName() + "=" + option.paramLabel() + "'");
            }
        }
        String interval = values.getOrDefault(NodeConfigFile.STATUS_INTERVAL, DEFAULT_STATUS_INTERVAL);
        try {
            statusInterval = StoreProperties.duration(interval);
        } catch (IllegalArgumentException e) {
            throw invalid(NodeConfigFile.STATUS_INTERVAL, e);
        }
        String port = values.get(NodeConfigFile.HTTP_PORT);
        try {
            httpPort = port == null || port.isBlank() ? null : httpPort(port.trim());
        } catch (IllegalArgumentException e) {
            throw invalid(NodeConfigFile.HTTP_PORT, e);
        }
        try {
            return StoreProperties.config(values);
        } catch (StoreProperties.InvalidValueException e) {
            throw invalid(e.key(), e);
        }
    }

    private static int httpPort(String value) {
        int port;
        try {
            port = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a port number: " + value, e);
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port must be 1..65535: " + value);
        }
        return port;
    }

    private Map<String, String> fileValues() {
        if (configFile == null) {
            return Map.of();
        }
        try {
            return NodeConfigFile.read(configFile);
        } catch (UncheckedIOException | IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "Invalid --config file: " + e.getMessage(), e);
        }
    }

    /** Names the option ({@code --group-id}) a refused value came from, if one did. */
    private ParameterException invalid(String key, IllegalArgumentException e) {
        String message = key == null ? e.getMessage()
                : "Invalid value for option '--" + key + "': " + e.getMessage();
        return new ParameterException(spec.commandLine(), message, e);
    }
}
