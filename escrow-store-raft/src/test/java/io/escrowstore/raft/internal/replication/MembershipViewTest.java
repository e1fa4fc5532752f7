package io.escrowstore.raft.internal.replication;

import static org.assertj.core.api.Assertions.assertThat;

import com.alipay.sofa.jraft.conf.Configuration;
import io.escrowstore.Member;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import io.escrowstore.raft.RaftPaymentStore;

/** Which members a node reports, given what jraft told it and what its configuration says. */
class MembershipViewTest {
    private static final Member A = new Member("10.0.0.1", 7000);
    private static final Member B = new Member("10.0.0.2", 7000);
    private static final Member C = new Member("10.0.0.3", 7000);
    private static final Member D = new Member("10.0.0.4", 7000);

    @Test
    void beforeTheNodeStartsTheConfiguredMembersAreReported() {
        assertThat(new MembershipView(List.of(A, B, C)).members()).containsExactly(A, B, C);
        assertThat(new MembershipView(List.of()).joining()).isEmpty();
    }

    @Test
    void withoutACommittedConfigurationTheNodesCurrentOneIsReported() {
        // a new member catching up from the start of the log sees only non-joint entries: jraft never
        // calls onConfigurationCommitted for them, so the configured (empty) list would stay forever
        MembershipView view = new MembershipView(List.of());
        AtomicReference<Configuration> current = new AtomicReference<>(conf(List.of(A, B, C), List.of(D)));
        view.attach(current::get);

        assertThat(view.members()).containsExactly(A, B, C);
        assertThat(view.joining()).containsExactly(D);
    }

    @Test
    void committedConfigurationWinsOverTheCurrentOne() {
        MembershipView view = new MembershipView(List.of(A, B, C));
        AtomicReference<Configuration> current = new AtomicReference<>(conf(List.of(A, B, C, D), List.of()));
        view.attach(current::get);
        view.committed(conf(List.of(A, B, C), List.of()));

        assertThat(view.members()).as("D is in the log but not yet committed").containsExactly(A, B, C);
        view.committed(conf(List.of(A, B, C, D), List.of()));
        assertThat(view.members()).containsExactly(A, B, C, D);
    }

    private static Configuration conf(List<Member> peers, List<Member> learners) {
        return new Configuration(peers.stream().map(Members::peer).toList(),
                learners.stream().map(Members::peer).toList());
    }

}
