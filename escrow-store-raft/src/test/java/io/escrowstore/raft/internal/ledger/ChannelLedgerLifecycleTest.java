package io.escrowstore.raft.internal.ledger;

import static io.escrowstore.raft.internal.ledger.ChannelLedgerTest.GROUP;
import static io.escrowstore.raft.internal.ledger.ChannelLedgerTest.OTHER_GROUP;
import static io.escrowstore.raft.internal.ledger.ChannelLedgerTest.accepted;
import static io.escrowstore.raft.internal.ledger.ChannelLedgerTest.big;
import static io.escrowstore.raft.internal.ledger.ChannelLedgerTest.chain;
import static io.escrowstore.raft.internal.ledger.ChannelLedgerTest.digest;
import static io.escrowstore.raft.internal.ledger.ChannelLedgerTest.sig;
import static org.assertj.core.api.Assertions.assertThat;

import io.escrowstore.Accepted;
import io.escrowstore.ChainChannel;
import io.escrowstore.ChannelId;
import io.escrowstore.ChannelState;
import io.escrowstore.ClaimRequest;
import io.escrowstore.ClaimResult;
import io.escrowstore.Payment;
import io.escrowstore.RejectReason;
import io.escrowstore.Rejected;
import io.escrowstore.ReleaseResult;
import io.escrowstore.Released;
import io.escrowstore.RequestId;
import io.escrowstore.ReservationId;
import io.escrowstore.ReserveResult;
import io.escrowstore.Reserved;
import io.escrowstore.Settlement;
import io.escrowstore.SettlementResult;
import io.escrowstore.SettlementStarted;
import io.escrowstore.SyncResult;
import io.escrowstore.Synced;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Reservations with leases in log time, settlements, and the invariants of SPEC §5 over random operations. */
class ChannelLedgerLifecycleTest {
    static final ChannelId CH = ChannelId.of(42);
    static final long LEASE = 1_000;
    static final long T0 = 50_000;

    private final ChannelLedger ledger = new ChannelLedger(GROUP);
    private int requests;

    ChannelLedgerLifecycleTest() {
        ledger.advanceClock(T0);
    }

    ClaimRequest request(ChannelId id, long nonce, long amount, long price) {
        return ClaimRequest.of(new Payment(id, big(nonce), big(amount), sig(amount)), big(price),
                new RequestId("req-" + ++requests));
    }

    ClaimRequest request(long nonce, long amount, long price) {
        return request(CH, nonce, amount, price);
    }

    ChannelState open(ChannelId id, long nonce, long value, long index) {
        SyncResult result = ledger.sync(chain(id, nonce, value, 1_000, GROUP), index);
        assertThat(result).isInstanceOf(Synced.class);
        return ((Synced) result).state();
    }

    ChannelState open(long nonce, long value, long index) {
        return open(CH, nonce, value, index);
    }

    ChannelState stored(ChannelId id) {
        return ledger.get(id).orElseThrow();
    }

    ChannelState stored() {
        return stored(CH);
    }

    static Reserved reserved(ReserveResult result) {
        assertThat(result).isInstanceOf(Reserved.class);
        return (Reserved) result;
    }

    static SettlementStarted started(SettlementResult result) {
        assertThat(result).isInstanceOf(SettlementStarted.class);
        return (SettlementStarted) result;
    }

    static Rejected rejected(RejectReason reason, ChannelState state) {
        return new Rejected(reason, Optional.ofNullable(state));
    }

    /** Starts the settlement of one channel and returns its result. */
    SettlementResult settle(ChannelId id, long index) {
        Map<ChannelId, SettlementResult> results = ledger.startSettlements(List.of(id), index);
        assertThat(results).containsOnlyKeys(id);
        return results.get(id);
    }

    @Nested
    class Reserve {
        @Test
        void reserveHoldsThePaymentWithoutChangingTheChannel() {
            ChannelState before = open(0, 100, 1);

            Reserved result = reserved(ledger.reserve(request(0, 10, 10), LEASE, 7));

            assertThat(result).isEqualTo(new Reserved(new ReservationId(7), before, Instant.ofEpochMilli(T0 + LEASE)));
            assertThat(stored()).isEqualTo(before);
            assertThat(stored().authorizedAmount()).isZero();
            assertThat(ledger.unclaimed()).isEmpty();
            assertThat(ledger.reservations()).singleElement().satisfies(r -> {
                assertThat(r.id()).isEqualTo(new ReservationId(7));
                assertThat(r.channelId()).isEqualTo(CH);
                assertThat(r.owner()).isEqualTo(new RequestId("req-1"));
                assertThat(r.amount()).isEqualTo(big(10));
                assertThat(r.signature()).isEqualTo(sig(10));
                assertThat(r.expiresAtMillis()).isEqualTo(T0 + LEASE);
            });
        }

        @Test
        void unknownChannelIsRejectedAndNothingIsHeld() {
            assertThat(ledger.reserve(request(0, 10, 10), LEASE, 2))
                    .isEqualTo(rejected(RejectReason.UNKNOWN_CHANNEL, null));
            assertThat(ledger.reservations()).isEmpty();
        }

        @Test
        void everyPaymentRuleOfClaimIsCheckedAndNothingIsHeldWhenOneFails() {
            open(3, 25, 1);
            accepted(ledger.claim(request(3, 10, 10), 2));
            ChannelState before = stored();

            assertThat(ledger.reserve(request(2, 20, 10), LEASE, 3))
                    .isEqualTo(rejected(RejectReason.NONCE_MISMATCH, before));
            assertThat(ledger.reserve(request(3, 10, 10), LEASE, 4))
                    .isEqualTo(rejected(RejectReason.ALREADY_CLAIMED, before));
            assertThat(ledger.reserve(request(3, 21, 10), LEASE, 5))
                    .isEqualTo(rejected(RejectReason.INCREMENT_MISMATCH, before));
            assertThat(ledger.reserve(request(3, 30, 20), LEASE, 6))
                    .isEqualTo(rejected(RejectReason.INSUFFICIENT_FUNDS, before));

            assertThat(ledger.reservations()).isEmpty();
            assertThat(stored()).isEqualTo(before);
            assertThat(ledger.claim(request(3, 20, 10), 7)).isInstanceOf(Accepted.class);
        }

        @Test
        void wrongGroupChainViewIsRejectedAndNothingIsHeld() {
            ReserveResult result = ledger.reserve(
                    request(0, 10, 10).withChainView(chain(CH, 0, 100, 1_000, OTHER_GROUP)), LEASE, 3);

            assertThat(result).isEqualTo(rejected(RejectReason.WRONG_GROUP, null));
            assertThat(ledger.reservations()).isEmpty();
            assertThat(ledger.size()).isZero();
        }

        @Test
        void chainViewIsMergedBeforeTheChecksAndTheStateReturnedIsTheMergedOne() {
            Reserved result = reserved(ledger.reserve(request(0, 10, 10).withChainView(chain(0, 100, 1_000)), LEASE, 4));

            assertThat(result.state()).isEqualTo(ChannelState.fromChain(chain(0, 100, 1_000), 4));
            assertThat(stored()).isEqualTo(result.state());
        }

        @Test
        void secondReserveAndClaimWhileAReservationIsLiveAreChannelBusy() {
            ChannelState before = open(0, 100, 1);
            reserved(ledger.reserve(request(0, 10, 10), LEASE, 2));

            assertThat(ledger.reserve(request(0, 10, 10), LEASE, 3)).isEqualTo(rejected(RejectReason.CHANNEL_BUSY, before));
            assertThat(ledger.claim(request(0, 10, 10), 4)).isEqualTo(rejected(RejectReason.CHANNEL_BUSY, before));
            assertThat(ledger.reservations()).hasSize(1);
            assertThat(stored()).isEqualTo(before);
        }

        @Test
        void busyIsDecidedBeforeThePaymentRules() {
            ChannelState before = open(0, 100, 1);
            reserved(ledger.reserve(request(0, 10, 10), LEASE, 2));

            // a wrong nonce, a replay and a wrong increment all learn that the channel is busy first
            assertThat(ledger.claim(request(1, 10, 10), 3)).isEqualTo(rejected(RejectReason.CHANNEL_BUSY, before));
            assertThat(ledger.claim(request(0, 0, 10), 4)).isEqualTo(rejected(RejectReason.CHANNEL_BUSY, before));
            assertThat(ledger.claim(request(0, 15, 10), 5)).isEqualTo(rejected(RejectReason.CHANNEL_BUSY, before));
        }

        @Test
        void unknownChannelIsDecidedBeforeBusy() {
            open(0, 100, 1);
            reserved(ledger.reserve(request(0, 10, 10), LEASE, 2));

            assertThat(ledger.claim(request(ChannelId.of(7), 0, 10, 10), 3))
                    .isEqualTo(rejected(RejectReason.UNKNOWN_CHANNEL, null));
        }

        @Test
        void aReservationBlocksOnlyItsOwnChannel() {
            open(ChannelId.of(1), 0, 100, 1);
            open(ChannelId.of(2), 0, 100, 2);
            reserved(ledger.reserve(request(ChannelId.of(1), 0, 10, 10), LEASE, 3));

            assertThat(ledger.claim(request(ChannelId.of(2), 0, 10, 10), 4)).isInstanceOf(Accepted.class);
            assertThat(ledger.reserve(request(ChannelId.of(2), 0, 20, 10), LEASE, 5)).isInstanceOf(Reserved.class);
        }

        @Test
        void theOwningRequestIdIsBusyToo() {
            open(0, 100, 1);
            ClaimRequest owner = request(0, 10, 10);
            reserved(ledger.reserve(owner, LEASE, 2));

            // a resubmission of the owner is answered from the dedup table before the ledger sees
            // it; reaching the ledger means that record aged out, and the id must not skip its hold
            assertThat(ledger.claim(owner, 3)).isEqualTo(rejected(RejectReason.CHANNEL_BUSY, stored()));
            assertThat(ledger.reserve(owner, LEASE, 4)).isEqualTo(rejected(RejectReason.CHANNEL_BUSY, stored()));
        }
    }

    @Nested
    class Commit {
        @Test
        void commitAppliesExactlyLikeAnAcceptedClaimAtTheCommitIndex() {
            ChannelLedger claimed = new ChannelLedger(GROUP);
            claimed.advanceClock(T0);
            claimed.sync(chain(0, 100, 1_000), 1);
            open(0, 100, 1);
            ClaimRequest payment = request(0, 10, 10);
            ReservationId id = reserved(ledger.reserve(payment, LEASE, 2)).reservationId();

            ClaimResult committed = ledger.commit(id, 9);
            ClaimResult direct = claimed.claim(payment, 9);

            assertThat(committed).isEqualTo(direct);
            ChannelState state = accepted(committed);
            assertThat(state.authorizedAmount()).isEqualTo(big(10));
            assertThat(state.signature()).contains(sig(10));
            assertThat(state.revision()).isEqualTo(9);
            assertThat(stored()).isEqualTo(state);
            assertThat(ledger.reservations()).isEmpty();
            assertThat(digest(ledger)).isEqualTo(digest(claimed));
        }

        @Test
        void channelIsFreeAfterACommitAndTheNextPaymentFollowsOn() {
            open(0, 100, 1);
            ReservationId id = reserved(ledger.reserve(request(0, 10, 10), LEASE, 2)).reservationId();
            accepted(ledger.commit(id, 3));

            assertThat(ledger.claim(request(0, 20, 10), 4)).isInstanceOf(Accepted.class);
            assertThat(stored().authorizedAmount()).isEqualTo(big(20));
        }

        @Test
        void commitOfAnUnknownReservationIsUnknownReservationWithoutState() {
            ChannelState before = open(0, 100, 1);

            assertThat(ledger.commit(new ReservationId(99), 2)).isEqualTo(rejected(RejectReason.UNKNOWN_RESERVATION, null));
            assertThat(stored()).isEqualTo(before);
        }

        @Test
        void secondCommitOfTheSameReservationIsUnknownReservation() {
            open(0, 100, 1);
            ReservationId id = reserved(ledger.reserve(request(0, 10, 10), LEASE, 2)).reservationId();
            ChannelState after = accepted(ledger.commit(id, 3));

            assertThat(ledger.commit(id, 4)).isEqualTo(rejected(RejectReason.UNKNOWN_RESERVATION, null));
            assertThat(stored()).isEqualTo(after);
        }

        @Test
        void commitAfterReleaseIsUnknownReservation() {
            ChannelState before = open(0, 100, 1);
            ReservationId id = reserved(ledger.reserve(request(0, 10, 10), LEASE, 2)).reservationId();
            ledger.release(id);

            assertThat(ledger.commit(id, 4)).isEqualTo(rejected(RejectReason.UNKNOWN_RESERVATION, null));
            assertThat(stored()).isEqualTo(before);
        }

        @Test
        void commitAtOrAfterExpiryIsReservationExpiredAndFreesTheChannel() {
            ChannelState before = open(0, 100, 1);
            ReservationId id = reserved(ledger.reserve(request(0, 10, 10), LEASE, 2)).reservationId();
            ledger.advanceClock(T0 + LEASE);

            assertThat(ledger.commit(id, 3)).isEqualTo(rejected(RejectReason.RESERVATION_EXPIRED, before));

            assertThat(stored()).isEqualTo(before);
            assertThat(ledger.commit(id, 4)).isEqualTo(rejected(RejectReason.UNKNOWN_RESERVATION, null));
            assertThat(ledger.claim(request(0, 10, 10), 5)).isInstanceOf(Accepted.class);
        }

        @Test
        void commitOneMillisecondBeforeExpiryStillCharges() {
            open(0, 100, 1);
            ReservationId id = reserved(ledger.reserve(request(0, 10, 10), LEASE, 2)).reservationId();
            ledger.advanceClock(T0 + LEASE - 1);

            assertThat(ledger.commit(id, 3)).isInstanceOf(Accepted.class);
        }

        @Test
        void commitOfAReservationAboveAValueLoweredSinceIsInsufficientFundsAndDropsIt() {
            open(0, 100, 1);
            ReservationId id = reserved(ledger.reserve(request(0, 10, 10), LEASE, 2)).reservationId();
            ChannelState lowered = ((Synced) ledger.sync(chain(0, 5, 1_000), 3)).state();

            assertThat(ledger.commit(id, 4)).isEqualTo(rejected(RejectReason.INSUFFICIENT_FUNDS, lowered));
            assertThat(ledger.reservations()).isEmpty();
            assertThat(stored()).isEqualTo(lowered);
        }
    }

    @Nested
    class Release {
        @Test
        void releaseDropsTheReservationAndFreesTheChannel() {
            ChannelState before = open(0, 100, 1);
            ReservationId id = reserved(ledger.reserve(request(0, 10, 10), LEASE, 2)).reservationId();

            ReleaseResult result = ledger.release(id);

            assertThat(result).isEqualTo(new Released(before));
            assertThat(ledger.reservations()).isEmpty();
            assertThat(stored()).isEqualTo(before);
            assertThat(ledger.claim(request(0, 10, 10), 3)).isInstanceOf(Accepted.class);
        }

        @Test
        void releaseOfAnUnknownOrAlreadyReleasedReservationIsUnknownReservation() {
            open(0, 100, 1);
            ReservationId id = reserved(ledger.reserve(request(0, 10, 10), LEASE, 2)).reservationId();
            ledger.release(id);

            assertThat(ledger.release(id)).isEqualTo(rejected(RejectReason.UNKNOWN_RESERVATION, null));
            assertThat(ledger.release(new ReservationId(12345))).isEqualTo(rejected(RejectReason.UNKNOWN_RESERVATION, null));
        }

        @Test
        void releaseOfAnExpiredButRememberedReservationSucceeds() {
            ChannelState before = open(0, 100, 1);
            ReservationId id = reserved(ledger.reserve(request(0, 10, 10), LEASE, 2)).reservationId();
            ledger.advanceClock(T0 + LEASE + 1);

            assertThat(ledger.release(id)).isEqualTo(new Released(before));
            assertThat(ledger.reservations()).isEmpty();
        }
    }

    @Nested
    class LeasesInLogTime {
        @Test
        void leaseEndsExactlyWhenLogTimeReachesExpiresAt() {
            ChannelState before = open(0, 100, 1);
            reserved(ledger.reserve(request(0, 10, 10), LEASE, 2));

            ledger.advanceClock(T0 + LEASE - 1);
            assertThat(ledger.claim(request(0, 10, 10), 3)).isEqualTo(rejected(RejectReason.CHANNEL_BUSY, before));

            ledger.advanceClock(T0 + LEASE);
            assertThat(ledger.claim(request(0, 10, 10), 4)).isInstanceOf(Accepted.class);
        }

        @Test
        void withoutLogTimeAdvancingALeaseNeverEndsHoweverLongWeWait() {
            ChannelState before = open(0, 100, 1);
            reserved(ledger.reserve(request(0, 1, 1), 1, 2));

            // no advanceClock: entries applied much later on the wall clock still see the same log time
            for (int i = 0; i < 100; i++) {
                assertThat(ledger.claim(request(0, 1, 1), 3 + i)).isEqualTo(rejected(RejectReason.CHANNEL_BUSY, before));
            }
        }

        @Test
        void reservationExpiresAtTheLogTimeOfItsEntryPlusTheLease() {
            open(0, 100, 1);
            ledger.advanceClock(T0 + 5_000);

            Reserved result = reserved(ledger.reserve(request(0, 10, 10), 250, 2));

            assertThat(result.expiresAt()).isEqualTo(Instant.ofEpochMilli(T0 + 5_000 + 250));
        }

        @Test
        void expiredReservationIsRememberedForOneMoreLeaseThenForgotten() {
            open(ChannelId.of(1), 0, 100, 1);
            open(ChannelId.of(2), 0, 100, 2);
            ReservationId early = reserved(ledger.reserve(request(ChannelId.of(1), 0, 10, 10), LEASE, 3)).reservationId();
            ReservationId late = reserved(ledger.reserve(request(ChannelId.of(2), 0, 10, 10), LEASE, 4)).reservationId();

            ledger.advanceClock(T0 + 2 * LEASE - 1);
            assertThat(ledger.reservations()).hasSize(2);
            assertThat(ledger.commit(early, 5)).isEqualTo(rejected(RejectReason.RESERVATION_EXPIRED, stored(ChannelId.of(1))));

            ledger.advanceClock(T0 + 2 * LEASE);
            assertThat(ledger.reservations()).isEmpty();
            assertThat(ledger.commit(late, 6)).isEqualTo(rejected(RejectReason.UNKNOWN_RESERVATION, null));
        }

        @Test
        void logTimeNeverGoesBackwards() {
            ledger.advanceClock(T0 + 10);
            ledger.advanceClock(T0 + 5);
            ledger.advanceClock(0);
            ledger.advanceClock(Long.MIN_VALUE);

            assertThat(ledger.logTimeMillis()).isEqualTo(T0 + 10);
        }

        @Test
        void aLowerLeaderStampDoesNotReviveAnExpiredReservation() {
            ChannelState before = open(0, 100, 1);
            ReservationId id = reserved(ledger.reserve(request(0, 10, 10), LEASE, 2)).reservationId();
            ledger.advanceClock(T0 + LEASE);

            // a new leader whose clock is behind stamps an earlier time
            ledger.advanceClock(T0 + 1);

            assertThat(ledger.logTimeMillis()).isEqualTo(T0 + LEASE);
            assertThat(ledger.startSettlements(List.of(CH), 3).get(CH))
                    .isEqualTo(rejected(RejectReason.NOTHING_TO_SETTLE, before));
            assertThat(ledger.commit(id, 4)).isEqualTo(rejected(RejectReason.RESERVATION_EXPIRED, before));
        }

        @Test
        void aLowerLeaderStampDoesNotShortenALiveLease() {
            open(0, 100, 1);
            ledger.advanceClock(T0 + 500);
            ReservationId id = reserved(ledger.reserve(request(0, 10, 10), LEASE, 2)).reservationId();

            ledger.advanceClock(T0);

            assertThat(ledger.commit(id, 3)).isInstanceOf(Accepted.class);
        }
    }

    @Nested
    class SyncWithReservationsAndSettlements {
        @Test
        void higherChainNonceDropsTheLiveReservationAndFreesTheChannel() {
            open(0, 100, 1);
            ReservationId id = reserved(ledger.reserve(request(0, 10, 10), LEASE, 2)).reservationId();

            ChannelState fresh = ((Synced) ledger.sync(chain(1, 90, 1_000), 3)).state();

            assertThat(ledger.reservations()).isEmpty();
            assertThat(ledger.commit(id, 4)).isEqualTo(rejected(RejectReason.UNKNOWN_RESERVATION, null));
            assertThat(ledger.claim(request(1, 10, 10), 5)).isInstanceOf(Accepted.class);
            assertThat(fresh.nonce()).isEqualTo(big(1));
        }

        @Test
        void chainViewWithAHigherNonceInAReserveReplacesTheOldReservation() {
            open(0, 100, 1);
            reserved(ledger.reserve(request(0, 10, 10), LEASE, 2));

            Reserved second = reserved(ledger.reserve(request(1, 10, 10).withChainView(chain(1, 90, 1_000)), LEASE, 3));

            assertThat(ledger.reservations()).singleElement()
                    .satisfies(r -> assertThat(r.id()).isEqualTo(second.reservationId()));
        }

        @Test
        void equalNonceSyncKeepsTheReservation() {
            open(0, 100, 1);
            ReservationId id = reserved(ledger.reserve(request(0, 10, 10), LEASE, 2)).reservationId();

            ledger.sync(chain(0, 150, 2_000), 3);

            assertThat(ledger.commit(id, 4)).isInstanceOf(Accepted.class);
        }

        @Test
        void higherChainNonceForgetsSettlementsBelowIt() {
            open(0, 100, 1);
            accepted(ledger.claim(request(0, 10, 10), 2));
            started(settle(CH, 3));
            accepted(ledger.claim(request(1, 5, 5), 4));
            assertThat(ledger.settlements()).hasSize(1);

            // the chain claimed the settlement of nonce 0 (chain nonce 1) and then another one (nonce 2)
            ledger.sync(chain(2, 50, 1_000), 5);

            assertThat(ledger.settlements()).isEmpty();
            assertThat(stored().nonce()).isEqualTo(big(2));
            assertThat(stored().authorizedAmount()).isZero();
        }

        @Test
        void chainCatchingUpToTheSettlementForgetsItAndKeepsTheNewAuthorization() {
            open(0, 100, 1);
            accepted(ledger.claim(request(0, 10, 10), 2));
            started(settle(CH, 3));
            ChannelState afterClaim = accepted(ledger.claim(request(1, 5, 5), 4));

            // chain nonce 1: the settlement of nonce 0 was claimed on chain, 90 left escrowed
            SyncResult result = ledger.sync(chain(1, 90, 1_000), 5);

            assertThat(result).isEqualTo(new Synced(afterClaim));
            assertThat(ledger.settlements()).isEmpty();
        }

        @Test
        void settlementInFlightIsKeptWhileTheChainHasNotClaimedIt() {
            open(0, 100, 1);
            accepted(ledger.claim(request(0, 10, 10), 2));
            Settlement pending = started(settle(CH, 3)).settlement();
            ChannelState afterSettlement = stored();

            assertThat(ledger.sync(chain(0, 100, 1_000), 4)).isEqualTo(new Synced(afterSettlement));

            assertThat(ledger.settlements()).containsExactly(pending);
        }

        @Test
        void refusedSyncChangesNothingNotEvenTheSettlements() {
            open(0, 100, 1);
            accepted(ledger.claim(request(0, 10, 10), 2));
            Settlement pending = started(settle(CH, 3)).settlement();
            ChannelState authorized = accepted(ledger.claim(request(1, 50, 50), 4));
            byte[] before = digest(ledger);

            // the chain claimed the settlement but shows less than is authorized now
            SyncResult result = ledger.sync(chain(1, 40, 1_000), 5);

            assertThat(result).isEqualTo(rejected(RejectReason.INSUFFICIENT_FUNDS, authorized));
            assertThat(ledger.settlements()).containsExactly(pending);
            assertThat(digest(ledger)).isEqualTo(before);
        }

        @Test
        void wrongGroupSyncForgetsNoSettlement() {
            open(0, 100, 1);
            accepted(ledger.claim(request(0, 10, 10), 2));
            started(settle(CH, 3));

            ledger.sync(chain(CH, 5, 100, 1_000, OTHER_GROUP), 4);

            assertThat(ledger.settlements()).hasSize(1);
        }
    }

    @Nested
    class Settlements {
        @Test
        void startedSettlementMovesTheAuthorizationOutOfTheChannel() {
            open(3, 100, 1);
            accepted(ledger.claim(request(3, 10, 10), 2));
            accepted(ledger.claim(request(3, 30, 20), 3));

            SettlementStarted result = started(settle(CH, 8));

            Settlement expected = new Settlement(CH, big(3), big(30), sig(30));
            ChannelState after = stored();
            assertThat(result).isEqualTo(new SettlementStarted(expected, after));
            assertThat(after.nonce()).isEqualTo(big(4));
            assertThat(after.fullAmount()).isEqualTo(big(70));
            assertThat(after.authorizedAmount()).isZero();
            assertThat(after.signature()).isEmpty();
            assertThat(after.revision()).isEqualTo(8);
            assertThat(ledger.settlements()).containsExactly(expected);
            assertThat(ledger.unclaimed()).isEmpty();
        }

        @Test
        void nextNonceIsPaidFromZeroAfterASettlement() {
            open(0, 100, 1);
            accepted(ledger.claim(request(0, 10, 10), 2));
            started(settle(CH, 3));

            assertThat(ledger.claim(request(0, 20, 10), 4)).isInstanceOf(Rejected.class);
            ChannelState next = accepted(ledger.claim(request(1, 10, 10), 5));

            assertThat(next.authorizedAmount()).isEqualTo(big(10));
            assertThat(next.fullAmount()).isEqualTo(big(90));
        }

        @Test
        void nothingAuthorizedIsNothingToSettle() {
            ChannelState before = open(0, 100, 1);

            assertThat(settle(CH, 2)).isEqualTo(rejected(RejectReason.NOTHING_TO_SETTLE, before));
            assertThat(stored()).isEqualTo(before);
            assertThat(ledger.settlements()).isEmpty();
        }

        @Test
        void unknownChannelIsUnknownChannel() {
            assertThat(settle(ChannelId.of(5), 2)).isEqualTo(rejected(RejectReason.UNKNOWN_CHANNEL, null));
        }

        @Test
        void secondSettlementWhileOneIsPendingIsRefusedSoTheNonceStaysWithinChainNoncePlusOne() {
            open(0, 100, 1);
            accepted(ledger.claim(request(0, 10, 10), 2));
            Settlement first = started(settle(CH, 3)).settlement();
            ChannelState authorizedAgain = accepted(ledger.claim(request(1, 10, 10), 4));

            assertThat(settle(CH, 5)).isEqualTo(rejected(RejectReason.SETTLEMENT_PENDING, authorizedAgain));

            assertThat(stored()).isEqualTo(authorizedAgain);
            assertThat(stored().nonce()).isEqualTo(big(1)); // chain nonce 0 + 1
            assertThat(ledger.settlements()).containsExactly(first);
        }

        @Test
        void liveReservationMakesTheChannelBusyUntilItsLeaseEnds() {
            open(0, 100, 1);
            accepted(ledger.claim(request(0, 10, 10), 2));
            ChannelState before = stored();
            reserved(ledger.reserve(request(0, 20, 10), LEASE, 3));

            assertThat(settle(CH, 4)).isEqualTo(rejected(RejectReason.CHANNEL_BUSY, before));
            assertThat(stored()).isEqualTo(before);

            ledger.advanceClock(T0 + LEASE);
            assertThat(settle(CH, 5)).isInstanceOf(SettlementStarted.class);
        }

        @Test
        void releasedReservationNoLongerBlocksASettlement() {
            open(0, 100, 1);
            accepted(ledger.claim(request(0, 10, 10), 2));
            ReservationId id = reserved(ledger.reserve(request(0, 20, 10), LEASE, 3)).reservationId();
            ledger.release(id);

            assertThat(settle(CH, 4)).isInstanceOf(SettlementStarted.class);
        }

        @Test
        void severalChannelsAreDecidedIndependentlyInInputOrder() {
            ChannelId busy = ChannelId.of(9);
            ChannelId good = ChannelId.of(3);
            ChannelId empty = ChannelId.of(7);
            ChannelId unknown = ChannelId.of(1);
            ChannelId alsoGood = ChannelId.of(5);
            open(busy, 0, 100, 1);
            open(good, 0, 100, 2);
            open(empty, 0, 100, 3);
            open(alsoGood, 2, 100, 4);
            accepted(ledger.claim(request(busy, 0, 10, 10), 5));
            accepted(ledger.claim(request(good, 0, 20, 20), 6));
            accepted(ledger.claim(request(alsoGood, 2, 30, 30), 7));
            reserved(ledger.reserve(request(busy, 0, 20, 10), LEASE, 8));
            ChannelState busyBefore = stored(busy);
            ChannelState emptyBefore = stored(empty);

            Map<ChannelId, SettlementResult> results =
                    ledger.startSettlements(List.of(busy, good, empty, unknown, alsoGood), 10);

            assertThat(results.keySet()).containsExactly(busy, good, empty, unknown, alsoGood);
            assertThat(results.get(busy)).isEqualTo(rejected(RejectReason.CHANNEL_BUSY, busyBefore));
            assertThat(started(results.get(good)).settlement()).isEqualTo(new Settlement(good, big(0), big(20), sig(20)));
            assertThat(results.get(empty)).isEqualTo(rejected(RejectReason.NOTHING_TO_SETTLE, emptyBefore));
            assertThat(results.get(unknown)).isEqualTo(rejected(RejectReason.UNKNOWN_CHANNEL, null));
            assertThat(started(results.get(alsoGood)).settlement())
                    .isEqualTo(new Settlement(alsoGood, big(2), big(30), sig(30)));
            assertThat(stored(good).revision()).isEqualTo(10);
            assertThat(stored(alsoGood).revision()).isEqualTo(10);
            assertThat(stored(busy)).isEqualTo(busyBefore);
            assertThat(ledger.settlements()).extracting(Settlement::channelId).containsExactly(good, alsoGood);
        }

        @Test
        void finishRemovesOnlySettlementsWithANonceBelowTheChainNonce() {
            open(4, 100, 1);
            accepted(ledger.claim(request(4, 10, 10), 2));
            Settlement pending = started(settle(CH, 3)).settlement();

            assertThat(ledger.finishSettlements(CH, big(3))).isEmpty();
            assertThat(ledger.finishSettlements(CH, big(4))).isEmpty();
            assertThat(ledger.settlements()).containsExactly(pending);

            assertThat(ledger.finishSettlements(CH, big(5))).containsExactly(pending);
            assertThat(ledger.settlements()).isEmpty();
            assertThat(ledger.finishSettlements(CH, big(5))).isEmpty();
        }

        @Test
        void finishDoesNotTouchTheChannelOrOtherChannelsSettlements() {
            open(ChannelId.of(1), 0, 100, 1);
            open(ChannelId.of(2), 0, 100, 2);
            accepted(ledger.claim(request(ChannelId.of(1), 0, 10, 10), 3));
            accepted(ledger.claim(request(ChannelId.of(2), 0, 10, 10), 4));
            ledger.startSettlements(List.of(ChannelId.of(1), ChannelId.of(2)), 5);
            ChannelState one = stored(ChannelId.of(1));

            assertThat(ledger.finishSettlements(ChannelId.of(1), big(1))).hasSize(1);

            assertThat(stored(ChannelId.of(1))).isEqualTo(one);
            assertThat(ledger.settlements()).extracting(Settlement::channelId).containsExactly(ChannelId.of(2));
            assertThat(ledger.finishSettlements(ChannelId.of(77), big(9))).isEmpty();
        }

        @Test
        void afterTheChainClaimedASettlementTheNextOneCanStart() {
            open(0, 100, 1);
            accepted(ledger.claim(request(0, 10, 10), 2));
            started(settle(CH, 3));
            accepted(ledger.claim(request(1, 10, 10), 4));
            ledger.finishSettlements(CH, big(1));

            SettlementStarted second = started(settle(CH, 5));

            assertThat(second.settlement()).isEqualTo(new Settlement(CH, big(1), big(10), sig(10)));
            assertThat(stored().nonce()).isEqualTo(big(2));
            assertThat(stored().fullAmount()).isEqualTo(big(80));
        }

        @Test
        void unclaimedAndSettlementsAreOrderedByChannelId() {
            long[] ids = {900, 3, 70_000, 1, 256};
            long index = 0;
            for (long id : ids) {
                open(ChannelId.of(id), 0, 100, ++index);
                accepted(ledger.claim(request(ChannelId.of(id), 0, 10, 10), ++index));
            }
            open(ChannelId.of(2), 0, 100, ++index);
            ledger.startSettlements(List.of(ChannelId.of(70_000), ChannelId.of(3), ChannelId.of(256)), ++index);

            assertThat(ledger.unclaimed()).extracting(ChannelState::channelId)
                    .containsExactly(ChannelId.of(1), ChannelId.of(900));
            assertThat(ledger.settlements()).extracting(Settlement::channelId)
                    .containsExactly(ChannelId.of(3), ChannelId.of(256), ChannelId.of(70_000));
        }
    }

    @Nested
    class SnapshotsOfReservations {
        @Test
        void replacedLedgerKeepsReservationsSettlementsAndLogTime() {
            open(ChannelId.of(1), 0, 100, 1);
            open(ChannelId.of(2), 0, 100, 2);
            accepted(ledger.claim(request(ChannelId.of(2), 0, 10, 10), 3));
            started(settle(ChannelId.of(2), 4));
            ReservationId id = reserved(ledger.reserve(request(ChannelId.of(1), 0, 10, 10), LEASE, 5)).reservationId();
            ChannelLedger copy = new ChannelLedger(GROUP);

            copy.install(copy.prepare(ledger.copy(), ledger.reservations(), ledger.settlements(), ledger.logTimeMillis()));

            assertThat(digest(copy)).isEqualTo(digest(ledger));
            assertThat(copy.logTimeMillis()).isEqualTo(T0);
            assertThat(copy.settlements()).isEqualTo(ledger.settlements());
            assertThat(copy.claim(request(ChannelId.of(1), 0, 10, 10), 6)).isEqualTo(
                    rejected(RejectReason.CHANNEL_BUSY, stored(ChannelId.of(1))));
            assertThat(copy.commit(id, 7)).isInstanceOf(Accepted.class);
        }

        @Test
        void replicaRestoredFromASnapshotDecidesLikeOneThatWasNot() {
            // an old reservation expires (its owner died), a newer one on the same channel is committed,
            // and while the old one is still remembered the channel's chain nonce moves on
            open(0, 100, 1);
            ReservationId old = reserved(ledger.reserve(request(0, 10, 10), 100, 2)).reservationId();
            ledger.advanceClock(T0 + 150);
            ReservationId newer = reserved(ledger.reserve(request(0, 10, 10), LEASE, 3)).reservationId();
            accepted(ledger.commit(newer, 4));
            ChannelLedger restored = new ChannelLedger(GROUP);
            restored.install(restored.prepare(ledger.copy(), ledger.reservations(), ledger.settlements(), ledger.logTimeMillis()));

            for (ChannelLedger replica : List.of(ledger, restored)) {
                replica.sync(chain(1, 90, 1_000), 5);
            }

            assertThat(restored.reservations()).isEqualTo(ledger.reservations());
            assertThat(digest(restored)).isEqualTo(digest(ledger));
            assertThat(restored.commit(old, 6)).isEqualTo(ledger.commit(old, 6));
        }
    }

    /**
     * Random operations on a few channels with a fixed seed, applied to a ledger and to a copy
     * restored from a snapshot of it every 50 steps: every result and digest agree (invariant 5), and
     * SPEC §5 invariants 1 and 4 hold after every step.
     */
    @Nested
    class RandomOperations {
        private static final int CHANNELS = 4;
        private static final int STEPS = 4_000;

        private final Random random = new Random(20240917L);
        private final Map<ChannelId, ChannelState> last = new HashMap<>();
        private final Map<ChannelId, BigInteger> highestChainNonce = new HashMap<>();
        private final Map<List<Object>, BigInteger> acceptedByNonce = new HashMap<>();
        private final Set<List<Object>> acceptedPayments = new HashSet<>();
        private final List<ReservationId> madeReservations = new ArrayList<>();
        private final Map<ReservationId, BigInteger> reservationPrices = new HashMap<>();
        private long time = T0;
        private long index = 1;
        private int accepts;
        private int commits;
        private int settles;
        private int expired;

        ChannelId someChannel() {
            return ChannelId.of(1 + random.nextInt(CHANNELS + 1)); // one more than opened: sometimes unknown
        }

        ClaimRequest somePayment(ChannelLedger target, ChannelId id) {
            ChannelState state = target.get(id).orElse(null);
            long nonce = state == null ? 0 : state.nonce().longValueExact() - (random.nextInt(10) == 0 ? 1 : 0);
            long authorized = state == null ? 0 : state.authorizedAmount().longValueExact();
            long price = 1 + random.nextInt(20);
            long amount = authorized + price + (random.nextInt(8) == 0 ? random.nextInt(5) - 2 : 0);
            return request(id, Math.max(0, nonce), Math.max(0, amount), price);
        }

        Object step(ChannelLedger target, int kind, Object input) {
            return switch (kind) {
                case 0 -> target.claim((ClaimRequest) input, index);
                case 1 -> target.reserve(((Hold) input).request(), ((Hold) input).leaseMillis(), index);
                case 2 -> target.commit((ReservationId) input, index);
                case 3 -> target.release((ReservationId) input);
                case 4 -> target.sync((ChainChannel) input, index);
                case 5 -> new LinkedHashMap<>(target.startSettlements(castList(input), index));
                case 6 -> target.finishSettlements(((ChainChannel) input).channelId(), ((ChainChannel) input).nonce());
                default -> {
                    target.advanceClock((Long) input);
                    yield target.logTimeMillis();
                }
            };
        }

        /** The input of a reservation. */
        record Hold(ClaimRequest request, long leaseMillis) {
        }

        @SuppressWarnings("unchecked")
        static List<ChannelId> castList(Object input) {
            return (List<ChannelId>) input;
        }

        Object input(int kind) {
            ChannelId id = someChannel();
            return switch (kind) {
                case 0 -> somePayment(ledger, id);
                case 1 -> new Hold(somePayment(ledger, id), 1 + random.nextInt(3) * 400L);
                case 2, 3 -> {
                    if (madeReservations.isEmpty() || random.nextInt(10) == 0) {
                        yield new ReservationId(1 + random.nextInt(50_000));
                    }
                    // mostly one of the latest few reservations, sometimes any earlier one
                    int back = random.nextInt(4) == 0 ? random.nextInt(madeReservations.size()) : random.nextInt(3);
                    yield madeReservations.get(Math.max(0, madeReservations.size() - 1 - back));
                }
                case 4, 6 -> {
                    BigInteger stored = ledger.get(id).map(ChannelState::nonce).orElse(BigInteger.ZERO);
                    BigInteger nonce = stored.add(BigInteger.valueOf(random.nextInt(4) - 2)).max(BigInteger.ZERO);
                    long value = 40 + random.nextInt(400);
                    yield chain(id, nonce.longValueExact(), value, 1_000 + random.nextInt(3), GROUP);
                }
                case 5 -> {
                    List<ChannelId> ids = new ArrayList<>();
                    for (int i = 1; i <= CHANNELS + 1; i++) {
                        if (random.nextBoolean()) {
                            ids.add(ChannelId.of(i));
                        }
                    }
                    if (ids.isEmpty()) {
                        ids.add(id);
                    }
                    yield ids;
                }
                default -> time + (random.nextInt(6) == 0 ? -random.nextInt(500) : random.nextInt(300));
            };
        }

        @Test
        void invariantsHoldAndARestoredCopyDecidesTheSame() {
            for (int i = 1; i <= CHANNELS; i++) {
                open(ChannelId.of(i), 0, 100 + 50L * i, index++);
                highestChainNonce.put(ChannelId.of(i), BigInteger.ZERO);
                last.put(ChannelId.of(i), stored(ChannelId.of(i)));
            }
            ChannelLedger copy = null;
            for (int n = 0; n < STEPS; n++) {
                if (n % 50 == 0) { // restore the copy from a fresh snapshot of the ledger every 50 steps
                    copy = new ChannelLedger(GROUP);
                    copy.install(copy.prepare(ledger.copy(), ledger.reservations(), ledger.settlements(), ledger.logTimeMillis()));
                }
                int kind = pickKind();
                Object input = input(kind);
                index++;
                Object result = step(ledger, kind, input);
                if (copy != null) {
                    assertThat(step(copy, kind, input)).as("step %d (%d) on the restored copy", n, kind).isEqualTo(result);
                    assertThat(digest(copy)).as("digest after step %d", n).isEqualTo(digest(ledger));
                }
                if (kind == 7) {
                    time = ledger.logTimeMillis();
                }
                record(kind, input, result);
                checkInvariants(n);
            }
            assertThat(accepts).as("accepted claims").isGreaterThan(100);
            assertThat(commits).as("accepted commits").isGreaterThan(50);
            assertThat(settles).as("started settlements").isGreaterThan(50);
            assertThat(expired).as("expired commits").isGreaterThan(10);
        }

        private int pickKind() {
            int roll = random.nextInt(100);
            if (roll < 25) {
                return 0;
            }
            if (roll < 45) {
                return 1;
            }
            if (roll < 60) {
                return 2;
            }
            if (roll < 65) {
                return 3;
            }
            if (roll < 72) {
                return 4;
            }
            if (roll < 77) {
                return 5;
            }
            if (roll < 80) {
                return 6;
            }
            return 7;
        }

        private void record(int kind, Object input, Object result) {
            if (result instanceof Reserved reserved) {
                madeReservations.add(reserved.reservationId());
                reservationPrices.put(reserved.reservationId(), ((Hold) input).request().price());
            }
            if (result instanceof Rejected r && r.reason() == RejectReason.RESERVATION_EXPIRED) {
                expired++;
            }
            if (kind == 4 || kind == 6) {
                // a sync, or a finish that says the chain has claimed what lies below its nonce
                ChainChannel chain = (ChainChannel) input;
                highestChainNonce.merge(chain.channelId(), chain.nonce(), BigInteger::max);
            }
            if (kind == 5) {
                castMap(result).values().stream().filter(SettlementStarted.class::isInstance).forEach(s -> settles++);
            }
            if (result instanceof Accepted accepted) {
                ChannelState state = accepted.state();
                BigInteger price = kind == 0 ? ((ClaimRequest) input).price() : reservationPrices.get((ReservationId) input);
                List<Object> key = List.of(state.channelId(), state.nonce());
                BigInteger previous = acceptedByNonce.getOrDefault(key, BigInteger.ZERO);
                // invariant 1: accepted amounts of one (channel, nonce) rise by exactly the price
                assertThat(state.authorizedAmount()).isEqualTo(previous.add(price));
                assertThat(acceptedPayments.add(List.of(state.channelId(), state.nonce(), state.authorizedAmount())))
                        .as("payment accepted twice: %s", state).isTrue();
                acceptedByNonce.put(key, state.authorizedAmount());
                if (kind == 0) {
                    accepts++;
                } else {
                    commits++;
                }
            }
        }

        @SuppressWarnings("unchecked")
        static Map<ChannelId, SettlementResult> castMap(Object result) {
            return (Map<ChannelId, SettlementResult>) result;
        }

        private void checkInvariants(int n) {
            for (ChannelState now : ledger.copy()) {
                ChannelState before = last.get(now.channelId());
                // invariant 4
                assertThat(now.authorizedAmount()).as("step %d", n).isLessThanOrEqualTo(now.fullAmount());
                if (before != null) {
                    assertThat(now.nonce()).as("step %d", n).isGreaterThanOrEqualTo(before.nonce());
                    assertThat(now.revision()).as("step %d", n).isGreaterThanOrEqualTo(before.revision());
                }
                BigInteger chainNonce = highestChainNonce.getOrDefault(now.channelId(), BigInteger.ZERO);
                assertThat(now.nonce()).as("step %d: nonce within chain nonce + 1", n)
                        .isLessThanOrEqualTo(chainNonce.add(BigInteger.ONE));
                if (now.authorizedAmount().signum() == 0) {
                    assertThat(now.signature()).isEmpty();
                }
                last.put(now.channelId(), now);
            }
            Set<ChannelId> settled = new HashSet<>();
            for (Settlement settlement : ledger.settlements()) {
                assertThat(settled.add(settlement.channelId())).isTrue();
                assertThat(settlement.amount()).isPositive();
                assertThat(settlement.nonce()).isLessThan(ledger.get(settlement.channelId()).orElseThrow().nonce());
            }
            // every request id is fresh here, so a channel never has two live reservations
            List<ChannelId> live = ledger.reservations().stream().filter(r -> r.liveAt(ledger.logTimeMillis()))
                    .map(Reservation::channelId).toList();
            assertThat(live).as("step %d", n).doesNotHaveDuplicates();
        }
    }
}
