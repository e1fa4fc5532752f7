package io.escrowstore.raft.internal.testing;

import io.escrowstore.raft.RaftStoreConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * TEST ONLY, each switch breaks safety: the deliberately wrong behaviours the fault suites must
 * catch, so that a suite that passes is known to be able to fail, and the engine floor the claim
 * benchmark measures the engine alone with. They are not options of
 * {@link RaftStoreConfig.Builder}; the testkit puts them into a config with {@link #on}, and
 * {@code NodeLauncher} refuses to start a node with any of them ({@link RaftStoreConfig#unsafeSwitches()}).
 *
 * @param acknowledgeBeforeCommit answers a claim from the leader's current state as soon as the
 *     leader has queued it, before it is appended or committed (lost acknowledged claims)
 * @param localFollowerReads a follower answers linearizable reads from its local state without
 *     read-index (stale reads)
 * @param skipRequestDedup the state machine ignores its request-id deduplication table, so a
 *     retried request is evaluated again (double application)
 * @param reportDoubtAsNotApplied a mutation whose outcome is unknown fails with
 *     {@code NoQuorumException} ("not applied") instead of {@code IndeterminateOutcomeException}
 *     although it may have taken effect (a broken "not applied" promise)
 * @param engineFloor a claim is answered as accepted without being applied: no dedup lookup, no
 *     ledger change, no result encoding; for measuring the engine floor only (every claim succeeds
 *     and none is stored)
 */
public record UnsafeSwitches(boolean acknowledgeBeforeCommit, boolean localFollowerReads, boolean skipRequestDedup,
        boolean reportDoubtAsNotApplied, boolean engineFloor) {
    /** Every switch off: what every config carries unless a test says otherwise. */
    public static final UnsafeSwitches NONE = new UnsafeSwitches(false, false, false, false, false);

    private static volatile Carrier carrier;

    /** How {@link RaftStoreConfig} keeps switches without offering them on its public builder. */
    public interface Carrier {
        /** Sets the switches a builder's configs will carry. */
        void set(RaftStoreConfig.Builder builder, UnsafeSwitches switches);

        /** The switches a config carries. */
        UnsafeSwitches of(RaftStoreConfig config);
    }

    /**
     * Installed once, by {@link RaftStoreConfig} when it loads.
     *
     * @throws IllegalStateException if a carrier is already installed
     */
    public static synchronized void install(Carrier installed) {
        if (carrier != null) {
            throw new IllegalStateException("the unsafe-switch carrier is installed once, by RaftStoreConfig");
        }
        carrier = Objects.requireNonNull(installed, "carrier");
    }

    /** Puts these switches into the configs {@code builder} builds (replacing any set before); returns it. */
    public static RaftStoreConfig.Builder on(RaftStoreConfig.Builder builder, UnsafeSwitches switches) {
        carrier.set(Objects.requireNonNull(builder, "builder"), Objects.requireNonNull(switches, "switches"));
        return builder;
    }

    /** The switches {@code config} carries; {@link #NONE} unless a test put some in with {@link #on}. */
    public static UnsafeSwitches of(RaftStoreConfig config) {
        return carrier.of(Objects.requireNonNull(config, "config"));
    }

    /** These switches with lost acknowledged claims turned on. */
    public UnsafeSwitches withAcknowledgeBeforeCommit() {
        return new UnsafeSwitches(true, localFollowerReads, skipRequestDedup, reportDoubtAsNotApplied, engineFloor);
    }

    /** These switches with stale follower reads turned on. */
    public UnsafeSwitches withLocalFollowerReads() {
        return new UnsafeSwitches(acknowledgeBeforeCommit, true, skipRequestDedup, reportDoubtAsNotApplied, engineFloor);
    }

    /** These switches with the deduplication table ignored. */
    public UnsafeSwitches withSkipRequestDedup() {
        return new UnsafeSwitches(acknowledgeBeforeCommit, localFollowerReads, true, reportDoubtAsNotApplied, engineFloor);
    }

    /** These switches with doubt reported as "not applied". */
    public UnsafeSwitches withReportDoubtAsNotApplied() {
        return new UnsafeSwitches(acknowledgeBeforeCommit, localFollowerReads, skipRequestDedup, true, engineFloor);
    }

    /** These switches with claims answered as accepted without being applied (the engine floor). */
    public UnsafeSwitches withEngineFloor() {
        return new UnsafeSwitches(acknowledgeBeforeCommit, localFollowerReads, skipRequestDedup,
                reportDoubtAsNotApplied, true);
    }

    /** The names of the switches that are on, in declaration order; empty for {@link #NONE}. */
    public List<String> names() {
        List<String> on = new ArrayList<>();
        if (acknowledgeBeforeCommit) {
            on.add("unsafeAcknowledgeBeforeCommit");
        }
        if (localFollowerReads) {
            on.add("unsafeLocalFollowerReads");
        }
        if (skipRequestDedup) {
            on.add("unsafeSkipRequestDedup");
        }
        if (reportDoubtAsNotApplied) {
            on.add("unsafeReportDoubtAsNotApplied");
        }
        if (engineFloor) {
            on.add("unsafeEngineFloor");
        }
        return List.copyOf(on);
    }
}
