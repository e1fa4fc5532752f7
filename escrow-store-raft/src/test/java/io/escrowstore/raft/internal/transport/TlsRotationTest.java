package io.escrowstore.raft.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.escrowstore.Accepted;
import io.escrowstore.ClaimResult;
import io.escrowstore.Member;
import io.escrowstore.raft.proto.EscrowProto.AdminRequest;
import io.escrowstore.raft.proto.EscrowProto.AdminResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import io.escrowstore.raft.RaftPaymentStore;
import io.escrowstore.raft.RaftPaymentStoreTest;
import io.escrowstore.raft.RaftStoreConfig;
import io.escrowstore.raft.TlsConfig;
import io.escrowstore.raft.internal.admin.AdminClient;
import io.escrowstore.raft.internal.admin.ClusterAdminSingleNodeTest;
import io.escrowstore.raft.internal.support.NamedThreads;

/**
 * Three TLS members move from one CA to another while claims keep arriving, by replacing their
 * store files only: first both CAs trusted, then new certificates, then the old CA dropped.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TlsRotationTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Set<String> HOSTS = Set.of("127.0.0.1", "127.0.0.2", "127.0.0.3");

    @TempDir
    Path dir;

    private final TestCertificates.Ca oldCa = TestCertificates.ca("old-ca");
    private final TestCertificates.Ca newCa = TestCertificates.ca("new-ca");

    @Test
    void everyMemberRotatesToANewCaUnderLoadWithoutARestartOrAFailedClaim() throws Exception {
        String raftGroup = "tls-rotation-" + ClusterAdminSingleNodeTest.freePort();
        List<Member> hosts = new ArrayList<>();
        for (String host : List.of("127.0.0.1", "127.0.0.2", "127.0.0.3")) {
            hosts.add(new Member(host, ClusterAdminSingleNodeTest.freePort()));
        }
        List<RaftPaymentStore> members = new ArrayList<>();
        ExecutorService executor = Executors.newFixedThreadPool(2, new NamedThreads("rotation-test"));
        AtomicBoolean loading = new AtomicBoolean(true);
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicInteger accepted = new AtomicInteger();
        try {
            for (Member self : hosts) {
                TlsConfig tls = oldCa.issue(self.host()).write(certs(self));
                members.add(RaftPaymentStore.open(RaftStoreConfig.builder().groupId(RaftPaymentStoreTest.GROUP)
                        .raftGroup(raftGroup).self(self).members(hosts)
                        .dataDir(dir.resolve("data-" + self.host())).electionTimeout(Duration.ofMillis(500))
                        .maxElectionDelay(Duration.ofMillis(500)).requestTimeout(Duration.ofSeconds(5)).tls(tls)
                        .build()));
            }
            await().atMost(WAIT).until(() -> members.stream().anyMatch(m -> m.status().isLeader()));
            Future<?> load = executor.submit(() -> {
                for (int i = 0; loading.get(); i++) {
                    RaftPaymentStore via = members.get(i % members.size());
                    try {
                        via.syncFromChain(RaftPaymentStoreTest.chain(100 + i));
                        ClaimResult result = via.claim(RaftPaymentStoreTest.claim(100 + i, 10));
                        if (result instanceof Accepted) {
                            accepted.incrementAndGet();
                        } else {
                            failures.add(i + ": " + result);
                        }
                    } catch (RuntimeException e) {
                        failures.add(i + ": " + e);
                    }
                }
            });
            int before = accepted.get();
            await().atMost(WAIT).until(() -> accepted.get() >= before + 5);

            // 1. every member trusts both CAs
            for (Member member : hosts) {
                TestCertificates.writeTrustStore(certs(member).resolve("trust.p12"), oldCa, newCa);
            }
            awaitMoreClaims(accepted);
            // 2. every member gets a certificate of the new CA
            for (Member member : hosts) {
                newCa.issue(member.host()).writeKeyStore(certs(member).resolve("member.p12"));
            }
            awaitMoreClaims(accepted);
            for (Member member : hosts) {
                assertThat(describe(newCa.issueOperator("new-operator").write(dir.resolve("probe-new"), newCa),
                        raftGroup, member, executor)).as("%s serves the new certificate and trusts the new CA", member)
                        .isPresent();
            }
            // 3. the old CA is dropped
            for (Member member : hosts) {
                TestCertificates.writeTrustStore(certs(member).resolve("trust.p12"), newCa);
            }
            awaitMoreClaims(accepted);
            for (Member member : hosts) {
                assertThat(describe(oldCa.issueOperator("old-operator").write(dir.resolve("probe-old"), newCa),
                        raftGroup, member, executor)).as("%s no longer trusts the old CA", member).isEmpty();
            }

            loading.set(false);
            load.get(30, TimeUnit.SECONDS);
            assertThat(failures).as("claims that failed during the rotation").isEmpty();
        } finally {
            loading.set(false);
            members.forEach(RaftPaymentStore::close);
            executor.shutdownNow();
        }
    }

    private Path certs(Member member) {
        return dir.resolve("certs-" + member.host());
    }

    private static void awaitMoreClaims(AtomicInteger accepted) {
        int before = accepted.get();
        await().atMost(WAIT).until(() -> accepted.get() >= before + 5);
    }

    /** The node's answer to an operator's DESCRIBE over a new connection, or empty if the handshake failed. */
    private static Optional<AdminResponse> describe(TlsConfig operator, String raftGroup, Member node,
            ExecutorService executor) throws Exception {
        TransportSecurity security = TransportSecurity.of(operator, () -> HOSTS, "probe");
        try (AdminClient admin = new AdminClient(executor, security.clientHelper())) {
            AdminClient.Sent sent = admin.send(node, AdminRequest.newBuilder().setGroup(raftGroup)
                    .setKind(AdminRequest.Kind.DESCRIBE).setTimeoutMillis(3_000).build(), 3_000)
                    .get(10, TimeUnit.SECONDS);
            return Optional.ofNullable(sent.response());
        }
    }
}
