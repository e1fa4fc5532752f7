package io.escrowstore;

/**
 * The address of one store node's Raft port.
 *
 * @param host an IP address or host name; the node binds exactly this address
 * @param port 1..65535
 */
public record Member(String host, int port) {

    /** @throws IllegalArgumentException on a blank host or a port outside 1..65535 */
    public Member {
        Checks.notNull(host, "host");
        if (host.isBlank() || host.contains(":") || host.contains(",")) {
            throw new IllegalArgumentException("host must be a non-blank name or IPv4 address but was '" + host + "'");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535 but was " + port);
        }
    }

    /** Parses {@code host:port}. */
    public static Member parse(String hostPort) {
        Checks.notNull(hostPort, "member");
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("member must be host:port but was '" + hostPort + "'");
        }
        try {
            return new Member(hostPort.substring(0, colon).trim(), Integer.parseInt(hostPort.substring(colon + 1).trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("member must be host:port but was '" + hostPort + "'", e);
        }
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
