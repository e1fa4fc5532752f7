package io.escrowstore.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.alipay.sofa.jraft.NodeManager;
import com.alipay.sofa.jraft.core.State;
import com.alipay.sofa.jraft.entity.PeerId;
import io.escrowstore.Accepted;
import io.escrowstore.ChannelId;
import io.escrowstore.ClaimRequest;
import io.escrowstore.ClaimResult;
import io.escrowstore.IndeterminateOutcomeException;
import io.escrowstore.Member;
import io.escrowstore.NoQuorumException;
import io.escrowstore.StoreUnavailableException;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A real full disk, not an injected fault: one node's data directory is a small size-limited
 * {@code tmpfs}, filled up while the cluster runs. Needs root to mount: fails under
 * {@code CI=true} (CI runs as root) if it cannot mount, and is skipped elsewhere where mounting
 * is not allowed. The node must stop on its first failed write, refuse calls naming
 * the full disk, and, once space is freed and it is reopened, hold every claim the cluster
 * acknowledged.
 */
class FullDiskTest {
    private static final long PRICE = 10;
    private static final ChannelId CHANNEL = ChannelId.of(1);
    private static final String SIZE = "48m";
    /** RocksDB's log file runs out after a few dozen claims on this machine; far more are never needed. */
    private static final int MAX_CLAIMS_TO_FILL = 3_000;

    /** Which write the full disk fails first. */
    enum FirstWrite {
        /** The follower appends the leader's entries until one does not fit. */
        LOG_APPEND("write of the Raft log"),
        /** The node is asked for a snapshot right after the disk filled up. */
        SNAPSHOT_SAVE("snapshot save");

        final String named;

        FirstWrite(String named) {
            this.named = named;
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(FirstWrite.class)
    void nodeOnAFullDiskStopsNamingItAndRecoversEveryAcknowledgedClaimOnceSpaceIsFreed(FirstWrite first)
            throws Exception {
        try (EscrowCluster cluster = EscrowCluster.builder().nodes(3).requestTimeout(Duration.ofSeconds(2)).build()) {
            int full = 0;
            Path dataDir = cluster.config(full).dataDir();
            Files.createDirectories(dataDir);
            boolean mounted = run("mount", "-t", "tmpfs", "-o", "size=" + SIZE, "tmpfs", dataDir.toString());
            if ("true".equals(System.getenv("CI"))) {
                assertThat(mounted).as("under CI (root) a tmpfs must mount").isTrue();
            }
            assumeTrue(mounted, "mounting a tmpfs needs root");
            try {
                cluster.start();
                int leader = cluster.awaitLeader();
                TestChannels.openAll(cluster.node(leader), cluster.groupId(), 1_000_000_000L, 1);
                long acknowledged = 0;
                for (int i = 0; i < 20; i++) {
                    acknowledged = claim(cluster, acknowledged);
                }
                cluster.awaitConvergence();
                Path filler = dataDir.resolve("filler");
                fill(filler);

                if (first == FirstWrite.SNAPSHOT_SAVE) {
                    Throwable snapshot = catchThrowable(() -> cluster.node(full).snapshot().get(30, TimeUnit.SECONDS));
                    assertThat(snapshot).as("a snapshot on a full disk").isNotNull();
                } else {
                    for (int i = 0; i < MAX_CLAIMS_TO_FILL && !stopped(cluster, full); i++) {
                        acknowledged = claim(cluster, acknowledged);
                    }
                }
                Await.until(Duration.ofSeconds(30), () -> "node " + full + " to stop on its full disk",
                        () -> stopped(cluster, full));
                assertThatThrownBy(() -> cluster.node(full).channel(CHANNEL))
                        .isInstanceOf(StoreUnavailableException.class)
                        .hasMessageContaining(first.named)
                        .hasMessageContaining("0 bytes usable")
                        .hasMessageContaining("disk full");
                for (int i = 0; i < 20; i++) {
                    acknowledged = claim(cluster, acknowledged);
                }

                Files.delete(filler);
                cluster.stop(full);
                cluster.restart(full);
                cluster.awaitConvergence();
                assertThat(cluster.node(full).channel(CHANNEL).orElseThrow().authorizedAmount())
                        .as("every acknowledged claim, on the node that ran out of disk")
                        .isEqualTo(BigInteger.valueOf(acknowledged));
            } finally {
                cluster.close();
                run("umount", dataDir.toString());
                // the cluster could not remove the mount point, nor so the directory holding it
                Files.deleteIfExists(dataDir);
                Files.deleteIfExists(dataDir.getParent());
            }
        }
    }

    /**
     * Claims the next amount through node 1 (never the full one) until it is answered, resubmitting
     * the same request (same request id) after an unknown outcome; returns the amount acknowledged.
     */
    private static long claim(EscrowCluster cluster, long authorized) {
        long next = authorized + PRICE;
        ClaimRequest request = TestChannels.claim(1, 0, next, PRICE);
        for (int attempt = 0; attempt < 10; attempt++) {
            try {
                ClaimResult result = cluster.node(1).claim(request);
                assertThat(result).as("claim of %d", next).isInstanceOf(Accepted.class);
                return next;
            } catch (IndeterminateOutcomeException | NoQuorumException e) {
                // a leader change after the full node stopped: ask again with the same request id
            }
        }
        throw new AssertionError("the claim of " + next + " got no answer in 10 attempts");
    }

    private static void fill(Path filler) throws IOException {
        byte[] chunk = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(chunk);
            }
        } catch (IOException full) {
            assertThat(Files.getFileStore(filler).getUsableSpace()).as("space left after filling").isZero();
        }
    }

    private static boolean stopped(EscrowCluster cluster, int node) {
        Member self = cluster.config(node).self();
        PeerId peer = new PeerId(self.host(), self.port());
        return NodeManager.getInstance().get(cluster.config(node).raftGroup(), peer).getNodeState()
                == State.STATE_ERROR;
    }

    private static boolean run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
    }
}
