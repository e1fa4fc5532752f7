package io.escrowstore.raft.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.escrowstore.Member;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import io.escrowstore.raft.RaftPaymentStoreTest;
import io.escrowstore.raft.TimeSource;
import io.escrowstore.raft.internal.ledger.Commands;
import io.escrowstore.raft.internal.support.Deadline;

/** What a follower learns when a forwarded command could not be handed to the leader. */
class ForwardClientTest {
    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private final ForwardClient client = new ForwardClient("forward-client-test", executor, null);

    @AfterEach
    void close() {
        client.close();
        executor.shutdownNow();
    }

    @Test
    void aCommandWhoseDeadlineHasPassedIsNeverSentAndSaysSo() throws Exception {
        byte[] claim = Commands.claim(RaftPaymentStoreTest.claim(1, 500));

        ForwardClient.Sent sent = client.forward(new Member("127.0.0.1", closedPort()), claim, batchKey(claim),
                Deadline.after(TimeSource.SYSTEM, Duration.ZERO))
                .get(10, TimeUnit.SECONDS);

        assertThat(sent.response()).isNull();
        assertThat(sent.unreachable()).startsWith("deadline passed before the command was sent");
    }

    @Test
    void aLeaderThatRefusesConnectionsIsReportedUnreachableNotIndeterminate() throws Exception {
        byte[] claim = Commands.claim(RaftPaymentStoreTest.claim(1, 500));
        Member nobody = new Member("127.0.0.1", closedPort());

        ForwardClient.Sent sent = client.forward(nobody, claim, batchKey(claim),
                Deadline.after(TimeSource.SYSTEM, Duration.ofSeconds(2))).get(10, TimeUnit.SECONDS);

        assertThat(sent.response()).isNull();
        assertThat(sent.unreachable()).startsWith(nobody + " unreachable");
    }

    private static com.google.protobuf.ByteString batchKey(byte[] command) {
        return Commands.batchKey(Commands.decode(ByteBuffer.wrap(command)));
    }

    /** A loopback port that was free a moment ago and on which nothing listens. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
