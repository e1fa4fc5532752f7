package io.escrowstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The blocking twins of {@link ClusterAdmin}: results pass through, failures surface unwrapped. */
class ClusterAdminBlockingTest {
    private static final Member A = Member.parse("10.0.0.1:7001");
    private static final Member B = Member.parse("10.0.0.2:7001");

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    /** Answers every call with the one future it was given. */
    private record FakeAdmin(CompletableFuture<Object> future) implements ClusterAdmin {
        @SuppressWarnings("unchecked")
        private <T> CompletableFuture<T> answer() {
            return (CompletableFuture<T>) (CompletableFuture<?>) future;
        }

        @Override
        public CompletableFuture<List<Member>> addMemberAsync(Member member) {
            return answer();
        }

        @Override
        public CompletableFuture<List<Member>> removeMemberAsync(Member member) {
            return answer();
        }

        @Override
        public CompletableFuture<List<Member>> replaceMemberAsync(Member old, Member replacement) {
            return answer();
        }

        @Override
        public CompletableFuture<Member> transferLeadershipAsync(Member target) {
            return answer();
        }

        @Override
        public CompletableFuture<ClusterStatus> clusterStatusAsync() {
            return answer();
        }
    }

    @Test
    void blockingTwinsReturnTheFuturesValue() {
        assertThat(new FakeAdmin(CompletableFuture.completedFuture(List.of(A, B))).addMember(B)).containsExactly(A, B);
        assertThat(new FakeAdmin(CompletableFuture.completedFuture(B)).transferLeadership(B)).isEqualTo(B);
        ClusterStatus status = new ClusterStatus(A, 3, 10,
                List.of(new MemberStatus(A, true, OptionalLong.of(10), OptionalLong.of(0))), List.of());
        assertThat(new FakeAdmin(CompletableFuture.completedFuture(status)).clusterStatus().votingMembers())
                .containsExactly(A);
        assertThat(status.member(A)).isPresent();
        assertThat(status.member(B)).isEmpty();
    }

    @Test
    void failureSurfacesUnwrappedWithItsReason() {
        MembershipChangeException busy = new MembershipChangeException(MembershipChangeException.Reason.CHANGE_IN_PROGRESS,
                "the leader is already running 'add 10.0.0.2:7001'");
        FakeAdmin admin = new FakeAdmin(CompletableFuture.failedFuture(busy));

        assertThatThrownBy(() -> admin.removeMember(A)).isSameAs(busy);
        assertThat(busy.reason()).isEqualTo(MembershipChangeException.Reason.CHANGE_IN_PROGRESS);
        assertThat(busy.getMessage()).startsWith("CHANGE_IN_PROGRESS: ");
    }

    @Test
    void interruptedWaitIsAnEscrowStoreException() {
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> new FakeAdmin(new CompletableFuture<>()).replaceMember(A, B))
                .isInstanceOf(EscrowStoreException.class).hasMessageContaining("interrupted");
        assertThat(Thread.currentThread().isInterrupted()).isTrue();
    }
}
