package io.escrowstore.testkit;

import static org.assertj.core.api.Assertions.catchThrowable;

import com.alipay.sofa.jraft.NodeManager;
import com.alipay.sofa.jraft.core.State;
import com.alipay.sofa.jraft.entity.PeerId;
import io.escrowstore.Member;
import io.escrowstore.testkit.DiskFaults.LogFault;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Disk faults under load: the leader's log stops being written (disk full), a follower's log
 * writes lose their fsync, a follower cannot write its term/vote while an election runs, a
 * follower's snapshot save fails. Each faulty node stops; the others go on while they are a
 * majority; the node is reopened once its disk is healed; the history must show no double accept
 * and no lost acknowledgement.
 */
class DiskFaultSuiteTest {
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    @RegisterExtension
    final FaultSuiteExtension suite = new FaultSuiteExtension("disk faults");

    @ParameterizedTest(name = "{0} nodes")
    @ValueSource(ints = {3})
    void failedLogMetaAndSnapshotWritesStopTheNodeAndLoseNoAcknowledgedClaim(int nodes) {
        SuiteRun run = suite.start(nodes, 11_000 + nodes);
        run.awaitAccepted(50);

        int leader = run.cluster.awaitLeader();
        run.failDisk(leader, disk -> disk.failLogAppends(LogFault.DISK_FULL));
        awaitStopped(run, leader);
        run.cluster.awaitNewLeader(leader);
        run.awaitAccepted(50);
        reopenHealed(run, leader);
        run.awaitAccepted(30);

        int follower = run.cluster.follower();
        run.failDisk(follower, disk -> disk.failLogAppends(LogFault.FSYNC_FAILS));
        awaitStopped(run, follower);
        run.awaitAccepted(50);
        reopenHealed(run, follower);
        run.awaitAccepted(30);

        leader = run.cluster.awaitLeader();
        int voter = run.cluster.follower();
        run.failDisk(voter, DiskFaults::failTermAndVoteWrites);
        run.network().isolate(leader);
        awaitStopped(run, voter);
        run.awaitCompletedClaims(20);
        run.network().heal();
        run.awaitAccepted(50);
        reopenHealed(run, voter);
        run.awaitAccepted(30);

        follower = run.cluster.follower();
        run.failDisk(follower, DiskFaults::failSnapshotSaves);
        int snapshotting = follower;
        // jraft answers a snapshot request at once, writing nothing, while the node has applied
        // nothing since its last snapshot (as right after it installed one); ask until a save is
        // really attempted, which must fail
        Await.until(STOP_TIMEOUT, () -> "a snapshot on node " + snapshotting + "'s failing disk to fail",
                () -> catchThrowable(() -> run.cluster.node(snapshotting).snapshot().join())
                        instanceof CompletionException);
        awaitStopped(run, follower);
        run.awaitAccepted(50);
        reopenHealed(run, follower);
        run.awaitAccepted(30);
    }

    private static void awaitStopped(SuiteRun run, int node) {
        Member self = run.cluster.config(node).self();
        PeerId peer = new PeerId(self.host(), self.port());
        String group = run.cluster.config(node).raftGroup();
        Await.until(STOP_TIMEOUT, () -> "node " + node + " to stop on its disk fault " + run.cluster.disk(node),
                () -> NodeManager.getInstance().get(group, peer).getNodeState() == State.STATE_ERROR);
    }

    private static void reopenHealed(SuiteRun run, int node) {
        run.stop(node);
        run.cluster.disk(node).heal();
        run.cluster.restart(node);
    }
}
