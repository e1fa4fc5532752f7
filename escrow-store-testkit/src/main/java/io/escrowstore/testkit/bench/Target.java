package io.escrowstore.testkit.bench;

import io.escrowstore.raft.RaftPaymentStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Where a run's nodes and clients live: this JVM, or one worker process per node. */
interface Target extends AutoCloseable {

    /** Leader index and term, as the nodes report them. */
    record Leadership(int leader, long term) {
    }

    int size();

    /** Waits for a leader; returns the leadership seen. */
    Leadership awaitLeader(Duration timeout) throws Exception;

    Leadership leadership() throws Exception;

    /** Syncs the run's channels; returns {seconds, heap MiB after GC summed over the processes}. */
    double[] preload(int channels, int window) throws Exception;

    Load.Output run(Load.Spec spec) throws Exception;

    /** Claims recorded in the store (see {@link Load#claimsInStore}). */
    long claimsInStore(int channels, long price) throws Exception;

    /** Where a deliberate replay is sent, for the settings column. */
    String replayTarget();

    @Override
    void close();

    /** All nodes in this JVM: client i uses node i mod n and replays on node i+1 mod n. */
    final class InJvm implements Target {
        private final BenchCluster cluster;

        InJvm(BenchCluster cluster) {
            this.cluster = cluster;
        }

        @Override
        public int size() {
            return cluster.size();
        }

        @Override
        public Leadership awaitLeader(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (cluster.leader() < 0 || leadership().term() == 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no leader within " + timeout);
                }
                Thread.sleep(20);
            }
            return leadership();
        }

        @Override
        public Leadership leadership() {
            int leader = cluster.leader();
            long term = 0;
            for (int i = 0; i < cluster.size(); i++) {
                term = Math.max(term, cluster.node(i).status().term());
            }
            return new Leadership(leader, term);
        }

        private RaftPaymentStore leaderNode() {
            int leader = cluster.leader();
            return cluster.node(Math.max(leader, 0));
        }

        @Override
        public double[] preload(int channels, int window) throws InterruptedException {
            double seconds = Load.preload(leaderNode(), cluster.groupId(), channels, window);
            for (int i = 0; i < cluster.size(); i++) {
                cluster.node(i).channel(io.escrowstore.ChannelId.of(Load.FIRST_CHANNEL + channels - 1));
            }
            return new double[] {seconds, Load.heapAfterGcMb()};
        }

        @Override
        public Load.Output run(Load.Spec spec) throws InterruptedException {
            ChannelBook book = new ChannelBook(Load.FIRST_CHANNEL, spec.channels());
            long start = System.nanoTime();
            long measureFrom = start + spec.warmup().toNanos();
            long end = measureFrom + spec.duration().toNanos();
            Window measured = new Window(measureFrom, end);
            Window cold = Window.cold(start, measureFrom, spec.coldWindow().toNanos());
            int n = cluster.size();
            List<ClaimClient> clients = new ArrayList<>();
            for (int i = 0; i < spec.clients(); i++) {
                clients.add(new ClaimClient(i, cluster.node(i % n), cluster.node((i + 1) % n), book, 0, 1,
                        spec.price(), spec.replayFraction(), measured, cold, spec.seed(), spec.runTag()));
            }
            Duration join = cluster.node(0).config().requestTimeout().plusSeconds(10);
            return Load.run(clients, measureFrom, end, join);
        }

        @Override
        public long claimsInStore(int channels, long price) {
            return Load.claimsInStore(leaderNode(), channels, price);
        }

        @Override
        public String replayTarget() {
            return "next-node";
        }

        @Override
        public void close() {
            cluster.close();
        }
    }
}
