package io.escrowstore.launcher;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Map;

/**
 * Defaults for slf4j-simple, the launcher's logging backend, applied before the first logger
 * exists and only where the operator set nothing ({@code -Dorg.slf4j.simpleLogger...} wins). An
 * embedding service configures its own backend with the same logger names (docs/operations.md).
 */
final class LauncherLogging {
    private static final String PREFIX = "org.slf4j.simpleLogger.";

    /**
     * Loggers that storm while a peer is down. Measured on a 3-process group with one member
     * killed: bolt, through sofa-common-tools' logger {@code com.alipay.sofa.common.log}, logs an
     * ERROR with a 24-line stack trace for every failed reconnect, about 230 lines a second on the
     * leader. jraft's {@code Replicator} keeps saying the same at WARN about once a second per down
     * peer ("Fail to issue RPC to ..., consecutiveErrorTimes=N"), so bolt's is switched off.
     */
    static final Map<String, String> STORM_LEVELS = Map.of(
            "com.alipay.sofa.common.log", "off",
            "com.alipay.remoting", "warn",
            "com.alipay.sofa.jraft.rpc.impl", "warn",
            "com.alipay.sofa.jraft.core.Replicator", "warn",
            "com.alipay.sofa.jraft.core.ReplicatorGroupImpl", "warn");

    /** jraft's own INFO lines (start-up options, elections, snapshots) repeat what the node logs itself. */
    static final String JRAFT = "com.alipay.sofa.jraft";

    private static final String BOLT_LOGGER_FACTORY = "com.alipay.remoting.log.BoltLoggerFactory";

    private LauncherLogging() {
    }

    /** A node process: timestamps, jraft at WARN, and the storm loggers quieted. */
    static void nodeDefaults() {
        setIfAbsent("showDateTime", "true");
        setIfAbsent("dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ");
        setIfAbsent("log." + JRAFT, "warn");
        STORM_LEVELS.forEach((logger, level) -> setIfAbsent("log." + logger, level));
        muteBoltLoggingBanner();
    }

    /** A client command: only warnings, so its output is the answer. */
    static void quietClient() {
        setIfAbsent("defaultLogLevel", "warn");
        STORM_LEVELS.forEach((logger, level) -> setIfAbsent("log." + logger, "error"));
        muteBoltLoggingBanner();
    }

    /**
     * Starts bolt's logging with standard output muted. sofa-common-tools, bolt's logging layer,
     * prints "Sofa-Middleware-Log SLF4J Warn : No log util is usable ..." to standard output the
     * first time bolt asks it for a logger in a JVM without Logback or Log4j; nothing turns that
     * off ({@code -Dsofa.middleware.log.disable=true} prints a line of its own instead). Run on the
     * main thread before any node or client exists, so no other output is lost.
     */
    private static void muteBoltLoggingBanner() {
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        try {
            Class.forName(BOLT_LOGGER_FACTORY).getMethod("getLogger", String.class).invoke(null, "CommonDefault");
        } catch (ReflectiveOperationException e) {
            // bolt absent or changed: it will print its banner when it starts, nothing worse
        } finally {
            System.setOut(stdout);
        }
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(PREFIX + key) == null) {
            System.setProperty(PREFIX + key, value);
        }
    }
}
