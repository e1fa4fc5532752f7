package io.escrowstore.raft;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The test-only {@code unsafe…} switches: off by default, named when on, kept by toBuilder. */
class UnsafeSwitchesTest {
    @Test
    void everyUnsafeSwitchIsOffByDefault() {
        RaftStoreConfig config = RaftStoreConfigTest.minimal().build();

        assertThat(config.unsafeAcknowledgeBeforeCommit()).isFalse();
        assertThat(config.unsafeLocalFollowerReads()).isFalse();
        assertThat(config.unsafeSkipRequestDedup()).isFalse();
        assertThat(config.unsafeReportDoubtAsNotApplied()).isFalse();
        assertThat(config.unsafeSwitches()).isEmpty();
    }

    @Test
    void switchesThatAreOnAreNamedAndSurviveToBuilder() {
        RaftStoreConfig config = RaftStoreConfigTest.minimal().unsafeAcknowledgeBeforeCommit(true)
                .unsafeSkipRequestDedup(true).build();

        assertThat(config.unsafeSwitches()).containsExactly("unsafeAcknowledgeBeforeCommit", "unsafeSkipRequestDedup");
        assertThat(config.toBuilder().build().unsafeSwitches()).isEqualTo(config.unsafeSwitches());
        assertThat(config.toBuilder().unsafeLocalFollowerReads(true).build().unsafeSwitches())
                .containsExactly("unsafeAcknowledgeBeforeCommit", "unsafeLocalFollowerReads", "unsafeSkipRequestDedup");
        assertThat(config.toBuilder().unsafeReportDoubtAsNotApplied(true).build().unsafeSwitches())
                .containsExactly("unsafeAcknowledgeBeforeCommit", "unsafeSkipRequestDedup",
                        "unsafeReportDoubtAsNotApplied");
    }
}
