package io.escrowstore.raft;

import io.escrowstore.Accepted;
import io.escrowstore.ChannelId;
import java.nio.file.Path;

/**
 * Runs a store through its main paths (start, sync, claim, read, status, snapshot, admin status,
 * close); loaded by {@link NoMicrometerTest} in a class loader that has no Micrometer.
 */
public final class NoMicrometerProbe {
    private NoMicrometerProbe() {
    }

    /** @return a summary, so the caller sees the probe ran to the end */
    public static String run(String dataDir, int port) throws InterruptedException {
        RaftPaymentStore store = RaftPaymentStore.open(RaftPaymentStoreTest.config(Path.of(dataDir), port));
        try {
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (!store.status().isLeader()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no leader");
                }
                Thread.sleep(10); // a separate class loader has no awaitility of its own to rely on
            }
            store.syncFromChain(RaftPaymentStoreTest.chain(1));
            boolean accepted = store.claim(RaftPaymentStoreTest.claim(1, 10)) instanceof Accepted;
            store.channel(ChannelId.of(1)).orElseThrow();
            store.snapshot().join();
            int members = store.admin().clusterStatus().members().size();
            return "accepted=" + accepted + " members=" + members + " applied=" + store.status().lastAppliedIndex();
        } finally {
            store.close();
        }
    }
}
