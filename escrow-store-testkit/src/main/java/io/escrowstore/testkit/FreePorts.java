package io.escrowstore.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/** Free loopback ports chosen by the OS. */
final class FreePorts {
    private FreePorts() {
    }

    static int[] pick(int count) {
        Set<Integer> ports = new HashSet<>();
        while (ports.size() < count) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                socket.setReuseAddress(true);
                ports.add(socket.getLocalPort());
            } catch (IOException e) {
                throw new UncheckedIOException("no free loopback port", e);
            }
        }
        return ports.stream().mapToInt(Integer::intValue).toArray();
    }
}
