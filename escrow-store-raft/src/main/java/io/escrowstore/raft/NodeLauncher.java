package io.escrowstore.raft;

import io.escrowstore.GroupId;
import io.escrowstore.Member;
import io.escrowstore.StoreStatus;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.ArgSpec;
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
 * an unknown key is an error. Exit codes: 2 for invalid options, 1 if the node cannot start.
 *
 * <p>It opens the same {@link RaftPaymentStore} a replica service embeds, so process mode and
 * embedded mode share one code path. {@code NodeLauncher status|add-member|remove-member|
 * replace-member|transfer-leadership ...} asks a running node over its admin RPC instead, and
 * {@code restore-snapshot} seeds an empty data directory from a backup ({@link AdminCommands}).
 *
 * <pre>
 * java -cp "$CLASSPATH" io.escrowstore.raft.NodeLauncher \
 *     --self 127.0.0.1:7001 --members 127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003 \
 *     --data-dir /var/lib/escrow/n1 --group-id 0x&lt;64 hex digits&gt;
 * java -cp "$CLASSPATH" io.escrowstore.raft.NodeLauncher --config n1.properties
 * </pre>
 */
@Command(name = "escrow-store-node", sortOptions = false, sortSynopsis = false, usageHelpAutoWidth = true,
        description = "Runs one escrow-store node until the process is terminated.")
public final class NodeLauncher implements Callable<Integer> {
    private static final Pattern DASH_LETTER = Pattern.compile("-([a-z])");

    @Spec
    private CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Java properties file of option values, keyed by long option name without dashes.")
    private Path configFile;

    @Option(names = "--self", required = true, paramLabel = "HOST:PORT",
            description = "This node's Raft address; the node binds exactly this host and port.")
    private Member self;

    @Option(names = "--members", required = true, split = ",", paramLabel = "HOST:PORT",
            description = "Every initial member of the group, self included, comma-separated.")
    private List<Member> members;

    @Option(names = "--data-dir", required = true, paramLabel = "DIR",
            description = "Directory of this node's Raft log, metadata and snapshots.")
    private Path dataDir;

    @Option(names = "--group-id", required = true, paramLabel = "HEX",
            description = "MultiPartyEscrow group id served: 32 bytes of hex, 0x optional.")
    private GroupId groupId;

    @Option(names = "--raft-group", paramLabel = "NAME",
            description = "Raft group name, the same on every member. Default: escrow-store.")
    private String raftGroup;

    @Option(names = "--election-timeout", paramLabel = "DURATION",
            description = "Base election timeout, 50ms..60s. Default: 1s.")
    private Duration electionTimeout;

    @Option(names = "--max-election-delay", paramLabel = "DURATION",
            description = "Most random delay added to the election timeout, 0..60s. Default: 1s.")
    private Duration maxElectionDelay;

    @Option(names = "--heartbeat-interval", paramLabel = "DURATION",
            description = "Leader heartbeat interval, 1ms..6s (at most electionTimeout/10 is used). Default: 10ms.")
    private Duration heartbeatInterval;

    @Option(names = "--request-timeout", paramLabel = "DURATION",
            description = "Deadline of every store call, 10ms..10m. Default: 5s.")
    private Duration requestTimeout;

    @Option(names = "--snapshot-interval", paramLabel = "DURATION",
            description = "Time between snapshots, 1s..24h, or 0 for none. Default: 1h.")
    private Duration snapshotInterval;

    @Option(names = "--max-in-flight", paramLabel = "N",
            description = "Most store calls in flight on this node, 1..1000000. Default: 10000.")
    private Integer maxInFlight;

    @Option(names = "--dedup-max-entries", paramLabel = "N",
            description = "Most request outcomes remembered for exactly-once retries, 1000..10000000. Default: 200000.")
    private Integer dedupMaxEntries;

    @Option(names = "--dedup-retention", paramLabel = "DURATION",
            description = "Longest a request outcome is remembered, in log time, 1m..7d. Default: 10m.")
    private Duration dedupRetention;

    @Option(names = "--join", arity = "0..1", paramLabel = "BOOLEAN",
            description = "Start as a new member joining an existing group: no configuration, no vote, until a "
                    + "member adds it (add-member). Ignored once the data directory holds a log. Default: false.")
    private Boolean join;

    @Option(names = "--snapshot-log-entries", paramLabel = "N",
            description = "Take a snapshot after this many entries since the last, 100..1000000000, or 0 for none. "
                    + "Default: 200000.")
    private Long snapshotLogEntries;

    @Option(names = "--admin-timeout", paramLabel = "DURATION",
            description = "Deadline of a membership change, catch-up included, 1s..1h. Default: 2m.")
    private Duration adminTimeout;

    @Option(names = "--tls-key-store", paramLabel = "FILE",
            description = "Turns on mutual TLS: this member's key pair and certificate (PKCS12 unless "
                    + "--tls-key-store-type). Needs the other --tls-* keys. See docs/security.md.")
    private String tlsKeyStore;

    @Option(names = "--tls-key-store-password", paramLabel = "PASSWORD",
            description = "Password of --tls-key-store. Put it in the --config file (mode 600), not on the command line.")
    private String tlsKeyStorePassword;

    @Option(names = "--tls-key-store-type", paramLabel = "TYPE", description = "PKCS12 (default) or JKS.")
    private String tlsKeyStoreType;

    @Option(names = "--tls-trust-store", paramLabel = "FILE",
            description = "The replica group's CA certificate(s); trusted for nothing but this group.")
    private String tlsTrustStore;

    @Option(names = "--tls-trust-store-password", paramLabel = "PASSWORD", description = "Password of --tls-trust-store.")
    private String tlsTrustStorePassword;

    @Option(names = "--tls-trust-store-type", paramLabel = "TYPE", description = "PKCS12 (default) or JKS.")
    private String tlsTrustStoreType;

    @Option(names = "--tls-protocols", paramLabel = "LIST", description = "Comma-separated. Default: TLSv1.3,TLSv1.2.")
    private String tlsProtocols;

    @Option(names = "--tls-cipher-suites", paramLabel = "LIST", description = "Comma-separated. Default: the JDK's.")
    private String tlsCipherSuites;

    @Option(names = "--unsafe-plaintext", arity = "0..1", paramLabel = "BOOLEAN",
            description = "Run without TLS on purpose (the Raft port is then unauthenticated). Without TLS the node "
                    + "logs a warning either way. Default: false.")
    private Boolean unsafePlaintext;

    @Option(names = "--status-interval", paramLabel = "DURATION", defaultValue = "10s",
            description = "How often to log the node's status, or 0 for never. Default: ${DEFAULT-VALUE}.")
    private Duration statusInterval;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Print this help and exit.")
    private boolean help;

    private Map<String, String> fileValues;

    /** Parses {@code args} (and the {@code --config} file they name) into the node's settings. */
    static RaftStoreConfig parse(String... args) {
        NodeLauncher launcher = new NodeLauncher();
        launcher.commandLine().parseArgs(args);
        return launcher.storeConfig();
    }

    /**
     * Runs one node until the JVM is terminated; see the class comment. With a first argument of
     * {@code status}, {@code add-member}, {@code remove-member}, {@code replace-member} or
     * {@code transfer-leadership} it instead asks a running node over its admin RPC and exits
     * (see {@link AdminCommands}).
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
        CommandLine cmd = new CommandLine(this)
                .registerConverter(Duration.class, new LauncherConverters.DurationConverter())
                .registerConverter(Member.class, new LauncherConverters.MemberConverter())
                .registerConverter(GroupId.class, new LauncherConverters.GroupIdConverter());
        cmd.setDefaultValueProvider(this::valueFromFile);
        return cmd;
    }

    /** Opens the node, logs its status until terminated, and closes it from a shutdown hook. */
    @Override
    public Integer call() throws InterruptedException {
        RaftStoreConfig config = storeConfig();
        Logger log = log();
        if (!config.unsafeSwitches().isEmpty()) {
            log.error("Refusing to start: test-only unsafe switches {} are on", config.unsafeSwitches());
            return CommandLine.ExitCode.USAGE;
        }
        log.info("Starting store node: {}", config);
        RaftPaymentStore store;
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
        ScheduledExecutorService statusLog =
                Executors.newSingleThreadScheduledExecutor(new NamedThreads("escrow-status"));
        if (!statusInterval.isZero()) {
            long millis = Math.max(1, statusInterval.toMillis());
            statusLog.scheduleAtFixedRate(() -> logStatus(store), millis, millis, TimeUnit.MILLISECONDS);
        }
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("Terminating: closing store node {}", config.self());
            statusLog.shutdownNow();
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

    /** Looked up when first used, after {@link LauncherLogging} set the backend's defaults. */
    private static Logger log() {
        return LoggerFactory.getLogger(NodeLauncher.class);
    }

    private RaftStoreConfig storeConfig() {
        if (configFile != null) {
            fileValues(); // rejects a bad file even when flags set every option
        }
        RaftStoreConfig.Builder builder = RaftStoreConfig.builder()
                .groupId(groupId).self(self).members(members).dataDir(dataDir);
        ifSet(raftGroup, builder::raftGroup);
        ifSet(electionTimeout, builder::electionTimeout);
        ifSet(maxElectionDelay, builder::maxElectionDelay);
        ifSet(heartbeatInterval, builder::heartbeatInterval);
        ifSet(requestTimeout, builder::requestTimeout);
        ifSet(snapshotInterval, builder::snapshotInterval);
        ifSet(maxInFlight, builder::maxInFlight);
        ifSet(dedupMaxEntries, builder::dedupMaxEntries);
        ifSet(dedupRetention, builder::dedupRetention);
        ifSet(join, builder::joining);
        ifSet(snapshotLogEntries, builder::snapshotLogEntries);
        ifSet(adminTimeout, builder::adminTimeout);
        try {
            Map<String, String> tls = new java.util.HashMap<>();
            tls.put(LauncherTls.KEY_STORE, tlsKeyStore);
            tls.put(LauncherTls.KEY_STORE_PASSWORD, tlsKeyStorePassword);
            tls.put(LauncherTls.KEY_STORE_TYPE, tlsKeyStoreType);
            tls.put(LauncherTls.TRUST_STORE, tlsTrustStore);
            tls.put(LauncherTls.TRUST_STORE_PASSWORD, tlsTrustStorePassword);
            tls.put(LauncherTls.TRUST_STORE_TYPE, tlsTrustStoreType);
            tls.put(LauncherTls.PROTOCOLS, tlsProtocols);
            tls.put(LauncherTls.CIPHER_SUITES, tlsCipherSuites);
            Optional<TlsConfig> tlsConfig = LauncherTls.from(tls::get);
            boolean plaintext = Boolean.TRUE.equals(unsafePlaintext);
            if (tlsConfig.isPresent() && plaintext) {
                throw new IllegalArgumentException("tls and unsafePlaintext exclude each other");
            }
            tlsConfig.ifPresent(builder::tls);
            if (plaintext) {
                builder.unsafePlaintext();
            }
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw invalidConfig(e);
        }
    }

    private static <T> void ifSet(T value, Consumer<T> setter) {
        if (value != null) {
            setter.accept(value);
        }
    }

    /** The builder names a field ({@code groupId}); say which option ({@code --group-id}) it comes from. */
    private ParameterException invalidConfig(IllegalArgumentException e) {
        String message = e.getMessage();
        for (OptionSpec option : spec.options()) {
            String field = DASH_LETTER.matcher(key(option)).replaceAll(m -> m.group(1).toUpperCase(Locale.ROOT));
            if (message.startsWith(field + " ")) {
                message = "Invalid value for option '" + option.longestName() + "': " + message;
                break;
            }
        }
        return new ParameterException(spec.commandLine(), message, e);
    }

    /** picocli asks this for every option not given as a flag, after the flags are parsed. */
    private String valueFromFile(ArgSpec arg) {
        return configFile != null && arg instanceof OptionSpec option ? fileValues().get(key(option)) : null;
    }

    private Map<String, String> fileValues() {
        if (fileValues == null) {
            fileValues = readConfigFile();
        }
        return fileValues;
    }

    private Map<String, String> readConfigFile() {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(configFile)) {
            properties.load(in);
        } catch (IOException | IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "Cannot read --config file " + configFile + ": " + e);
        }
        Set<String> known = spec.options().stream()
                .filter(o -> !o.usageHelp() && !o.longestName().equals("--config"))
                .map(NodeLauncher::key)
                .collect(Collectors.toCollection(TreeSet::new));
        Map<String, String> values = new TreeMap<>();
        for (String key : new TreeSet<>(properties.stringPropertyNames())) {
            if (!known.contains(key)) {
                throw new ParameterException(spec.commandLine(),
                        "Unknown key '" + key + "' in --config file " + configFile + "; known keys: " + known);
            }
            values.put(key, properties.getProperty(key).trim());
        }
        return values;
    }

    private static String key(OptionSpec option) {
        return option.longestName().substring(2);
    }
}
