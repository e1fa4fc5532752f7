package io.escrowstore.launcher;

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

    private LauncherLogging() {
    }

    /** A node process: timestamps, and the storm loggers quieted. */
    static void nodeDefaults() {
        setIfAbsent("showDateTime", "true");
        setIfAbsent("dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ");
        STORM_LEVELS.forEach((logger, level) -> setIfAbsent("log." + logger, level));
    }

    /** A client command: only warnings, so its output is the answer. */
    static void quietClient() {
        setIfAbsent("defaultLogLevel", "warn");
        STORM_LEVELS.forEach((logger, level) -> setIfAbsent("log." + logger, "error"));
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(PREFIX + key) == null) {
            System.setProperty(PREFIX + key, value);
        }
    }
}
