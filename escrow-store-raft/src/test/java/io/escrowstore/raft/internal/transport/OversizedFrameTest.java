package io.escrowstore.raft.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.escrowstore.Accepted;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.escrowstore.raft.RaftPaymentStore;
import io.escrowstore.raft.RaftPaymentStoreTest;
import io.escrowstore.raft.internal.admin.ClusterAdminSingleNodeTest;

/** A raw socket on a plaintext node's Raft port declares a 2 GiB frame; the node refuses it and serves on. */
class OversizedFrameTest {
    @Test
    void hostileLengthPrefixClosesTheConnectionAndTheNodeKeepsServing(@TempDir Path dir) throws IOException {
        int port = ClusterAdminSingleNodeTest.freePort();
        try (RaftPaymentStore store = RaftPaymentStore.open(RaftPaymentStoreTest.config(dir, port))) {
            await().atMost(Duration.ofSeconds(20)).until(() -> store.status().isLeader());
            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.setSoTimeout(20_000);
                socket.getOutputStream().write(FrameLimitTest.v1Request(0, 0, Integer.MAX_VALUE));
                socket.getOutputStream().write(new byte[64 * 1024]);
                socket.getOutputStream().flush();
                assertThat(readUntilClosed(socket.getInputStream())).as("the node closed the connection").isTrue();
            }
            assertThat(store.refusedFrames()).isEqualTo(1);

            store.syncFromChain(RaftPaymentStoreTest.chain(1));
            assertThat(store.claim(RaftPaymentStoreTest.claim(1, 10))).isInstanceOf(Accepted.class);
        }
    }

    /** True once the peer closed (end of stream or reset); a read timeout fails the test. */
    private static boolean readUntilClosed(InputStream in) throws IOException {
        try {
            while (in.read() >= 0) {
                // bolt answers nothing to a frame it never decodes
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }
}
