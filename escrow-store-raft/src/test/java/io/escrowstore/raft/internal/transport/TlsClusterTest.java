package io.escrowstore.raft.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.escrowstore.Accepted;
import io.escrowstore.ChannelId;
import io.escrowstore.Member;
import io.escrowstore.ReadConsistency;
import io.escrowstore.StoreStatus;
import io.escrowstore.raft.proto.EscrowProto.AdminRequest;
import io.escrowstore.raft.proto.EscrowProto.AdminResponse;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import io.escrowstore.raft.internal.admin.ClusterAdminSingleNodeTest;
import io.escrowstore.raft.RaftPaymentStore;
import io.escrowstore.raft.RaftPaymentStoreTest;
import io.escrowstore.raft.RaftStoreConfig;
import io.escrowstore.raft.StateDigest;
import io.escrowstore.raft.TimeSource;
import io.escrowstore.raft.TlsConfig;
import io.escrowstore.raft.internal.admin.AdminClient;
import io.escrowstore.raft.internal.admin.NodeAdminClient;
import io.escrowstore.raft.internal.ledger.Commands;
import io.escrowstore.raft.internal.routing.ForwardClient;
import io.escrowstore.raft.internal.support.Deadline;
import io.escrowstore.raft.internal.support.NamedThreads;

/**
 * Three members on 127.0.0.1-3 with mutual TLS from one group CA; intruders (another CA, plaintext,
 * the right CA naming a non-member) try to vote, forward and join, and change nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TlsClusterTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private Path dir;

    private final TestCertificates.Ca groupCa = TestCertificates.ca("group-ca");
    private final List<RaftPaymentStore> members = new ArrayList<>();
    private final ExecutorService executor = Executors.newFixedThreadPool(2, new NamedThreads("tls-test"));
    private String raftGroup;

    @BeforeAll
    void startCluster(@TempDir Path tempDir) {
        dir = tempDir;
        raftGroup = "tls-test-" + ClusterAdminSingleNodeTest.freePort();
        List<Member> hosts = List.of(new Member("127.0.0.1", ClusterAdminSingleNodeTest.freePort()),
                new Member("127.0.0.2", ClusterAdminSingleNodeTest.freePort()),
                new Member("127.0.0.3", ClusterAdminSingleNodeTest.freePort()));
        for (Member self : hosts) {
            TlsConfig tls = groupCa.issue(self.host()).write(dir.resolve("certs-" + self.host()));
            members.add(RaftPaymentStore.open(config(self, hosts, tls).build()));
        }
        await().atMost(WAIT).until(() -> leader().isPresent());
        leader().get().syncFromChain(RaftPaymentStoreTest.chain(1));
        await().atMost(WAIT).until(this::converged);
    }

    @AfterAll
    void closeCluster() {
        members.forEach(RaftPaymentStore::close);
        executor.shutdownNow();
    }

    @Test
    void tlsClusterServesClaimsThroughFollowers() {
        RaftPaymentStore follower = members.stream().filter(m -> !m.status().isLeader()).findFirst().orElseThrow();
        follower.syncFromChain(RaftPaymentStoreTest.chain(2));
        assertThat(follower.claim(RaftPaymentStoreTest.claim(2, 10))).isInstanceOf(Accepted.class);
        assertThat(follower.channel(ChannelId.of(2), ReadConsistency.LINEARIZABLE)).isPresent();
        await().atMost(WAIT).until(this::converged);
        assertThat(members).allSatisfy(m -> assertThat(m.refusedHandshakes()).as("members accept each other")
                .isZero());
    }

    @Test
    void nodeWithCertificateFromAnotherCaCannotVoteForwardOrJoin() {
        Member intruder = new Member("127.0.0.4", ClusterAdminSingleNodeTest.freePort());
        // it trusts the group's CA (not a secret), so the members' check is the one that refuses it
        TlsConfig tls = TestCertificates.ca("other-ca").issue(intruder.host()).write(dir.resolve("certs-other-ca"),
                groupCa);
        assertIntruderChangesNothing(intruder, tls);
    }

    @Test
    void memberCertificateOfTheRightCaNamingANonMemberIsRefused() {
        Member intruder = new Member("127.0.0.9", ClusterAdminSingleNodeTest.freePort());
        TlsConfig tls = groupCa.issue(intruder.host()).write(dir.resolve("certs-non-member"));
        assertIntruderChangesNothing(intruder, tls);
    }

    @Test
    void plaintextNodeCannotTalkToTlsMembers() {
        assertIntruderChangesNothing(new Member("127.0.0.5", ClusterAdminSingleNodeTest.freePort()), null);
    }

    @Test
    void memberCertificateCannotChangeTheGroupButAnOperatorCertificateCan() throws Exception {
        StoreStatus before = leader().orElseThrow().status();
        Member leader = before.leader().orElseThrow();
        Member next = before.members().stream().filter(m -> !m.equals(leader)).findFirst().orElseThrow();
        AdminRequest transfer = AdminRequest.newBuilder().setGroup(raftGroup)
                .setKind(AdminRequest.Kind.TRANSFER_LEADERSHIP).setMember(next.toString()).setTimeoutMillis(5_000)
                .build();
        long refusedBefore = refusedRequests();

        // a key of a member host (a compromised replica) asks the leader directly
        AdminResponse refused = sendAdmin(groupCa.issue("127.0.0.2").write(dir.resolve("certs-member-admin")),
                leader, transfer);
        assertThat(refused.getStatus()).isEqualTo(AdminResponse.Status.INVALID);
        assertThat(refused.getError()).contains("needs an operator certificate");
        assertThat(refusedRequests()).isGreaterThan(refusedBefore);
        assertThat(leader().orElseThrow().status().leader()).contains(leader);

        AdminResponse done = sendAdmin(groupCa.issueOperator("operator").write(dir.resolve("certs-operator-admin")),
                leader, transfer);
        assertThat(done.getStatus()).as("%s", done).isEqualTo(AdminResponse.Status.OK);
        await().atMost(WAIT).until(() -> leader().map(m -> m.status().self().equals(next)).orElse(false));
    }

    @Test
    void operatorToolAskingAFollowerHasTheLeaderMakeTheChange() throws Exception {
        StoreStatus before = leader().orElseThrow().status();
        Member leader = before.leader().orElseThrow();
        List<Member> followers = before.members().stream().filter(m -> !m.equals(leader)).toList();
        TlsConfig operator = groupCa.issueOperator("operator").write(dir.resolve("certs-operator-tool"));
        try (NodeAdminClient tool = NodeAdminClient.connect(followers.get(0), raftGroup, Optional.of(operator),
                Set.of("127.0.0.1", "127.0.0.2", "127.0.0.3"))) {
            NodeAdminClient.Answer answer = tool.transferLeadership(followers.get(1), Duration.ofSeconds(5));
            assertThat(answer.outcome()).as(answer.text()).isEqualTo(NodeAdminClient.Outcome.DONE);
        }
        await().atMost(WAIT).until(() -> leader().map(m -> m.status().self().equals(followers.get(1))).orElse(false));
    }

    @Test
    void connectionFloodIsBoundedAndTheGroupKeepsServingClaims() throws Exception {
        RaftPaymentStore target = leader().orElseThrow();
        Member address = target.status().self();
        int openBefore = target.openConnections();
        List<Socket> flood = new ArrayList<>();
        try {
            // 300 connections that never start their handshake, from an address no member uses
            for (int i = 0; i < 300; i++) {
                flood.add(new Socket(InetAddress.getByName(address.host()), address.port(),
                        InetAddress.getByName("127.0.0.9"), 0));
            }
            await().atMost(WAIT).until(() -> target.refusedConnections() >= 300 - 32);
            assertThat(target.openConnections()).as("open connections stay bounded")
                    .isLessThanOrEqualTo(openBefore + 32);

            RaftPaymentStore follower = members.stream().filter(m -> !m.status().isLeader()).findFirst().orElseThrow();
            follower.syncFromChain(RaftPaymentStoreTest.chain(3));
            assertThat(follower.claim(RaftPaymentStoreTest.claim(3, 10))).as("a claim forwarded during the flood")
                    .isInstanceOf(Accepted.class);
            AdminResponse status = sendAdmin(groupCa.issueOperator("operator").write(dir.resolve("certs-flood")),
                    address, AdminRequest.newBuilder().setGroup(raftGroup).setKind(AdminRequest.Kind.DESCRIBE)
                            .setTimeoutMillis(5_000).build());
            assertThat(status.getStatus()).as("a new connection's handshake during the flood")
                    .isEqualTo(AdminResponse.Status.OK);
        } finally {
            for (Socket socket : flood) {
                socket.close();
            }
        }
        await().atMost(WAIT).until(() -> target.openConnections() <= openBefore);
    }

    @Test
    void operatorCertificateCannotForwardOrTakePartInRaft() throws Exception {
        StoreStatus before = leader().orElseThrow().status();
        List<StateDigest> digests = members.stream().map(RaftPaymentStore::stateDigest).toList();
        long refusedBefore = refusedRequests();
        TlsConfig operator = groupCa.issueOperator("operator").write(dir.resolve("certs-operator-raft"));
        TransportSecurity security = TransportSecurity.of(operator,
                () -> Set.of("127.0.0.1", "127.0.0.2", "127.0.0.3"), "operator");
        Member node = new Member("127.0.0.6", ClusterAdminSingleNodeTest.freePort());
        List<Member> claimed = new ArrayList<>(before.members());
        claimed.add(node);
        try (RaftPaymentStore operatorNode = RaftPaymentStore.open(config(node, claimed, operator).build());
                ForwardClient forward = new ForwardClient(raftGroup, executor, security.clientHelper())) {
            byte[] claim = Commands.claim(RaftPaymentStoreTest.claim(1, 500));
            ForwardClient.Sent forwarded = forward.forward(before.leader().orElseThrow(), claim,
                    Commands.batchKey(Commands.decode(ByteBuffer.wrap(claim))),
                    Deadline.after(TimeSource.SYSTEM, Duration.ofSeconds(2))).get(10, TimeUnit.SECONDS);
            assertThat(forwarded.response() == null || forwarded.response().error().startsWith("forward to "))
                    .as("forwarded claim answered: %s", forwarded).isTrue();
            // the operator-keyed node keeps asking for votes; each request is refused for its role
            await().atMost(WAIT).until(() -> refusedRequests() >= refusedBefore + 4);
            assertThat(operatorNode.status().leader()).isEmpty();
        }
        StoreStatus after = leader().orElseThrow().status();
        assertThat(after.term()).as("no election was caused").isEqualTo(before.term());
        assertThat(after.members()).isEqualTo(before.members());
        for (int i = 0; i < members.size(); i++) {
            assertThat(members.get(i).stateDigest().sameStateAs(digests.get(i))).isTrue();
        }
    }

    private AdminResponse sendAdmin(TlsConfig tls, Member target, AdminRequest request) throws Exception {
        TransportSecurity security = TransportSecurity.of(tls, () -> Set.of("127.0.0.1", "127.0.0.2", "127.0.0.3"),
                "admin-test");
        try (AdminClient admin = new AdminClient(executor, security.clientHelper())) {
            AdminClient.Sent sent = admin.send(target, request, 10_000).get(20, TimeUnit.SECONDS);
            assertThat(sent.response()).as("answered: %s", sent).isNotNull();
            return sent.response();
        }
    }

    private long refusedRequests() {
        return members.stream().mapToLong(RaftPaymentStore::refusedForRole).sum();
    }

    /** Starts {@code intruder} as a would-be member and sends a forward and an ADD_MEMBER of itself. */
    private void assertIntruderChangesNothing(Member intruder, TlsConfig tls) {
        StoreStatus before = leader().orElseThrow().status();
        List<StateDigest> digests = members.stream().map(RaftPaymentStore::stateDigest).toList();
        long refusedBefore = refused();

        List<Member> claimed = new ArrayList<>(before.members());
        claimed.add(intruder);
        RaftStoreConfig.Builder builder = config(intruder, claimed, tls);
        TransportSecurity security = tls == null ? null
                : TransportSecurity.of(tls, () -> Set.of("127.0.0.1", "127.0.0.2", "127.0.0.3"), "intruder");
        try (RaftPaymentStore node = RaftPaymentStore.open(builder.build());
                ForwardClient forward = new ForwardClient(raftGroup, executor,
                        security == null ? null : security.clientHelper());
                AdminClient admin = new AdminClient(executor, security == null ? null : security.clientHelper())) {
            Member target = before.leader().orElseThrow();
            byte[] claim = Commands.claim(RaftPaymentStoreTest.claim(1, 500));
            ForwardClient.Sent forwarded = forward.forward(target, claim,
                    Commands.batchKey(Commands.decode(ByteBuffer.wrap(claim))),
                    Deadline.after(TimeSource.SYSTEM, Duration.ofSeconds(2))).get(10, TimeUnit.SECONDS);
            // no answer from the leader: either never sent, or the local "failed after sending" verdict
            assertThat(forwarded.response() == null || forwarded.response().error().startsWith("forward to "))
                    .as("forwarded claim answered: %s", forwarded).isTrue();
            AdminClient.Sent join = admin.send(target, AdminRequest.newBuilder().setGroup(raftGroup)
                    .setKind(AdminRequest.Kind.ADD_MEMBER).setMember(intruder.toString()).setTimeoutMillis(2_000)
                    .build(), 2_000).get(10, TimeUnit.SECONDS);
            assertThat(join.response()).as("ADD_MEMBER answered: %s", join).isNull();
            // the intruder's own node keeps asking for votes; wait until the members refused it several times
            await().atMost(WAIT).until(() -> refused() >= refusedBefore + 4);
            assertThat(node.status().leader()).as("the intruder never learns a leader").isEmpty();
        } catch (Exception e) {
            throw new AssertionError(e);
        }

        StoreStatus after = leader().orElseThrow().status();
        assertThat(after.leader()).isEqualTo(before.leader());
        assertThat(after.term()).as("no election was caused").isEqualTo(before.term());
        assertThat(after.members()).isEqualTo(before.members());
        for (int i = 0; i < members.size(); i++) {
            assertThat(members.get(i).stateDigest().sameStateAs(digests.get(i))).isTrue();
        }
    }

    private RaftStoreConfig.Builder config(Member self, List<Member> group, TlsConfig tls) {
        RaftStoreConfig.Builder builder = RaftStoreConfig.builder()
                .groupId(RaftPaymentStoreTest.GROUP)
                .raftGroup(raftGroup)
                .self(self)
                .members(group)
                .dataDir(dir.resolve("data-" + self.host() + "-" + self.port()))
                .electionTimeout(Duration.ofMillis(500))
                .maxElectionDelay(Duration.ofMillis(500))
                .requestTimeout(Duration.ofSeconds(3));
        return tls == null ? builder.unsafePlaintext() : builder.tls(tls);
    }

    private Optional<RaftPaymentStore> leader() {
        return members.stream().filter(m -> m.status().isLeader()).findFirst();
    }

    private long refused() {
        return members.stream().mapToLong(RaftPaymentStore::refusedHandshakes).sum();
    }

    private boolean converged() {
        StateDigest first = members.get(0).stateDigest();
        return members.stream().allMatch(m -> m.stateDigest().equals(first));
    }
}
