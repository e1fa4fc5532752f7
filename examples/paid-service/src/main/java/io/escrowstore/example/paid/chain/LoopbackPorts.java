package io.escrowstore.example.paid.chain;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** Free TCP ports on this machine, as the operating system hands them out, for the example's local servers. */
public final class LoopbackPorts {
    private LoopbackPorts() {
    }

    /** A port the operating system just reported free; another process may take it before it is bound. */
    public static int free() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
