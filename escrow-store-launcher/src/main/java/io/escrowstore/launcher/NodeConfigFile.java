package io.escrowstore.launcher;

import io.escrowstore.raft.internal.engine.StoreProperties;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A node's launcher properties file: the {@link StoreProperties} keys plus the launcher's own
 * {@code status-interval} and {@code http-port}, and the operator key store of its admin commands
 * ({@link StoreProperties#OPERATOR_KEYS}). The node, its admin commands and {@code restore-snapshot} read it here.
 */
final class NodeConfigFile {
    static final String STATUS_INTERVAL = "status-interval";
    static final String HTTP_PORT = "http-port";

    private NodeConfigFile() {
    }

    /**
     * @throws StoreProperties.InvalidValueException for an unknown key or a malformed file
     * @throws java.io.UncheckedIOException if the file cannot be read
     */
    static Map<String, String> read(Path file) {
        Set<String> launcherKeys = new HashSet<>(StoreProperties.OPERATOR_KEYS);
        launcherKeys.add(STATUS_INTERVAL);
        launcherKeys.add(HTTP_PORT);
        return StoreProperties.read(file, launcherKeys);
    }
}
