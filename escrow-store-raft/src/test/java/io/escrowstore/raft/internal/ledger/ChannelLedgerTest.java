package io.escrowstore.raft.internal.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.escrowstore.Accepted;
import io.escrowstore.Address;
import io.escrowstore.ChainChannel;
import io.escrowstore.ChannelId;
import io.escrowstore.ChannelState;
import io.escrowstore.ClaimRequest;
import io.escrowstore.ClaimResult;
import io.escrowstore.GroupId;
import io.escrowstore.Payment;
import io.escrowstore.RejectReason;
import io.escrowstore.Rejected;
import io.escrowstore.RequestId;
import io.escrowstore.Signature;
import io.escrowstore.SyncResult;
import io.escrowstore.Synced;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ChannelLedgerTest {
    public static final GroupId GROUP = new GroupId(filled(GroupId.LENGTH, 0x11));
    public static final GroupId OTHER_GROUP = new GroupId(filled(GroupId.LENGTH, 0x22));
    static final Address SENDER = new Address(filled(Address.LENGTH, 1));
    static final Address SIGNER = new Address(filled(Address.LENGTH, 2));
    static final Address RECIPIENT = new Address(filled(Address.LENGTH, 3));
    static final ChannelId CH = ChannelId.of(42);
    static final BigInteger PRICE = BigInteger.TEN;

    private final ChannelLedger ledger = new ChannelLedger(GROUP);
    private int requests;

    static byte[] filled(int length, int value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    public static BigInteger big(long value) {
        return BigInteger.valueOf(value);
    }

    public static Signature sig(long amount) {
        byte[] bytes = filled(Signature.LENGTH, 0x5a);
        bytes[0] = (byte) amount;
        bytes[1] = (byte) (amount >>> 8);
        return new Signature(bytes);
    }

    public static ChainChannel chain(ChannelId id, long nonce, long value, long expiration, GroupId group) {
        return new ChainChannel(id, big(nonce), SENDER, SIGNER, RECIPIENT, group, big(value), big(expiration));
    }

    public static ChainChannel chain(long nonce, long value, long expiration) {
        return chain(CH, nonce, value, expiration, GROUP);
    }

    ClaimRequest request(long nonce, long amount, long price) {
        return request(CH, nonce, amount, price);
    }

    ClaimRequest request(ChannelId id, long nonce, long amount, long price) {
        return ClaimRequest.of(new Payment(id, big(nonce), big(amount), sig(amount)), big(price),
                new RequestId("req-" + ++requests));
    }

    /** Stores the channel from chain at {@code index} and returns the stored state. */
    ChannelState open(long nonce, long value, long index) {
        SyncResult result = ledger.sync(chain(nonce, value, 1_000), index);
        assertThat(result).isInstanceOf(Synced.class);
        return ((Synced) result).state();
    }

    ChannelState stored() {
        return ledger.get(CH).orElseThrow();
    }

    static void assertRejected(Object result, RejectReason reason, Optional<ChannelState> state) {
        assertThat(result).isEqualTo(new Rejected(reason, state));
    }

    @Nested
    class Claim {
        @Test
        void unknownChannelIsRejectedWithEmptyState() {
            ClaimResult result = ledger.claim(request(0, 10, 10), 5);

            assertRejected(result, RejectReason.UNKNOWN_CHANNEL, Optional.empty());
            assertThat(ledger.size()).isZero();
            assertThat(ledger.get(CH)).isEmpty();
        }

        @Test
        void unknownChannelIsRejectedEvenWhenAnotherChannelIsKnown() {
            open(0, 100, 1);
            ClaimResult result = ledger.claim(request(ChannelId.of(43), 0, 10, 10), 5);

            assertRejected(result, RejectReason.UNKNOWN_CHANNEL, Optional.empty());
            assertThat(ledger.size()).isEqualTo(1);
        }

        @Test
        void nonceMismatchIsRejectedWithCurrentState() {
            ChannelState before = open(3, 100, 1);

            assertRejected(ledger.claim(request(2, 10, 10), 5), RejectReason.NONCE_MISMATCH, Optional.of(before));
            assertRejected(ledger.claim(request(4, 10, 10), 6), RejectReason.NONCE_MISMATCH, Optional.of(before));
            assertThat(stored()).isEqualTo(before);
        }

        @Test
        void equalAmountIsAlreadyClaimedWithCurrentState() {
            open(0, 100, 1);
            ChannelState after = accepted(ledger.claim(request(0, 10, 10), 2));

            ClaimResult replay = ledger.claim(request(0, 10, 10), 3);

            assertRejected(replay, RejectReason.ALREADY_CLAIMED, Optional.of(after));
            assertThat(stored()).isEqualTo(after);
        }

        @Test
        void lowerAmountIsAlreadyClaimedWithCurrentState() {
            open(0, 100, 1);
            accepted(ledger.claim(request(0, 10, 10), 2));
            ChannelState after = accepted(ledger.claim(request(0, 20, 10), 3));

            assertRejected(ledger.claim(request(0, 10, 10), 4), RejectReason.ALREADY_CLAIMED, Optional.of(after));
            assertRejected(ledger.claim(request(0, 19, 10), 5), RejectReason.ALREADY_CLAIMED, Optional.of(after));
            assertThat(stored()).isEqualTo(after);
        }

        @Test
        void zeroAmountOnAFreshChannelIsAlreadyClaimed() {
            ChannelState before = open(0, 100, 1);

            assertRejected(ledger.claim(request(0, 0, 10), 2), RejectReason.ALREADY_CLAIMED, Optional.of(before));
        }

        @Test
        void amountNotRaisedByExactlyThePriceIsIncrementMismatch() {
            ChannelState before = open(0, 100, 1);

            assertRejected(ledger.claim(request(0, 9, 10), 2), RejectReason.INCREMENT_MISMATCH, Optional.of(before));
            assertRejected(ledger.claim(request(0, 11, 10), 3), RejectReason.INCREMENT_MISMATCH, Optional.of(before));
            assertThat(stored()).isEqualTo(before);

            ChannelState after = accepted(ledger.claim(request(0, 10, 10), 4));
            assertRejected(ledger.claim(request(0, 30, 10), 5), RejectReason.INCREMENT_MISMATCH, Optional.of(after));
            assertThat(stored()).isEqualTo(after);
        }

        @Test
        void amountAboveFullAmountIsInsufficientFunds() {
            ChannelState before = open(0, 25, 1);
            ChannelState first = accepted(ledger.claim(request(0, 10, 10), 2));
            ChannelState second = accepted(ledger.claim(request(0, 20, 10), 3));

            ClaimResult third = ledger.claim(request(0, 30, 10), 4);

            assertRejected(third, RejectReason.INSUFFICIENT_FUNDS, Optional.of(second));
            assertThat(stored()).isEqualTo(second);
            assertThat(first.fullAmount()).isEqualTo(before.fullAmount());
        }

        @Test
        void amountEqualToFullAmountIsAccepted() {
            open(0, 20, 1);
            accepted(ledger.claim(request(0, 10, 10), 2));

            ChannelState all = accepted(ledger.claim(request(0, 20, 10), 3));

            assertThat(all.authorizedAmount()).isEqualTo(all.fullAmount());
        }

        @Test
        void acceptedSetsAmountSignatureAndRevisionToTheIndexOnly() {
            ChannelState before = open(0, 100, 1);

            ClaimResult result = ledger.claim(request(0, 10, 10), 17);

            ChannelState expected = new ChannelState(CH, big(0), SENDER, SIGNER, RECIPIENT, GROUP, big(100),
                    big(1_000), big(10), Optional.of(sig(10)), 17);
            assertThat(result).isEqualTo(new Accepted(expected));
            assertThat(stored()).isEqualTo(expected);
            assertThat(before.signature()).isEmpty();
            assertThat(before.revision()).isEqualTo(1);
        }

        @Test
        void wrongNonceAndTooLargeIsNonceMismatch() {
            ChannelState before = open(1, 5, 1);

            assertRejected(ledger.claim(request(0, 10, 10), 2), RejectReason.NONCE_MISMATCH, Optional.of(before));
        }

        @Test
        void wrongNonceAndReplayedAmountIsNonceMismatch() {
            open(0, 100, 1);
            ChannelState after = accepted(ledger.claim(request(0, 10, 10), 2));

            assertRejected(ledger.claim(request(1, 10, 10), 3), RejectReason.NONCE_MISMATCH, Optional.of(after));
        }

        @Test
        void lowerAmountWithWrongIncrementIsAlreadyClaimed() {
            open(0, 100, 1);
            accepted(ledger.claim(request(0, 10, 10), 2));
            ChannelState after = accepted(ledger.claim(request(0, 20, 10), 3));

            assertRejected(ledger.claim(request(0, 15, 3), 4), RejectReason.ALREADY_CLAIMED, Optional.of(after));
        }

        @Test
        void wrongIncrementAndTooLargeIsIncrementMismatch() {
            ChannelState before = open(0, 5, 1);

            assertRejected(ledger.claim(request(0, 11, 10), 2), RejectReason.INCREMENT_MISMATCH, Optional.of(before));
        }

        @Test
        void exactIncrementButTooLargeIsInsufficientFunds() {
            ChannelState before = open(0, 9, 1);

            assertRejected(ledger.claim(request(0, 10, 10), 2), RejectReason.INSUFFICIENT_FUNDS, Optional.of(before));
        }

        @Test
        void sequenceOfClaimsByExactPriceIncrements() {
            open(0, 1_000, 1);
            long index = 1;
            long authorized = 0;
            long[] prices = {10, 1, 250, 7, 7, 100};
            for (long price : prices) {
                index++;
                // the replay of the previous payment is refused before the next is accepted
                if (authorized > 0) {
                    assertThat(ledger.claim(request(0, authorized, price), index)).isInstanceOf(Rejected.class);
                    index++;
                }
                authorized += price;
                ChannelState after = accepted(ledger.claim(request(0, authorized, price), index));
                assertThat(after.authorizedAmount()).isEqualTo(big(authorized));
                assertThat(after.signature()).contains(sig(authorized));
                assertThat(after.revision()).isEqualTo(index);
            }
            assertThat(stored().authorizedAmount()).isEqualTo(big(375));
            assertThat(stored().fullAmount()).isEqualTo(big(1_000));
        }

        @Test
        void claimsOnOneChannelDoNotTouchAnother() {
            ledger.sync(chain(ChannelId.of(1), 0, 100, 9, GROUP), 1);
            ChannelState other = ((Synced) ledger.sync(chain(ChannelId.of(2), 0, 100, 9, GROUP), 2)).state();

            accepted(ledger.claim(request(ChannelId.of(1), 0, 10, 10), 3));

            assertThat(ledger.get(ChannelId.of(2))).contains(other);
        }

        @Test
        void uint256MaxValuesAreHandled() {
            BigInteger max = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);
            ChannelId id = new ChannelId(max);
            ledger.sync(new ChainChannel(id, max, SENDER, SIGNER, RECIPIENT, GROUP, max, max), 1);
            ClaimRequest all = ClaimRequest.of(new Payment(id, max, max, sig(1)), max, new RequestId("max"));

            ChannelState after = accepted(ledger.claim(all, 2));

            assertThat(after.authorizedAmount()).isEqualTo(max);
        }
    }

    @Nested
    class ClaimWithChainView {
        @Test
        void unknownChannelBecomesKnownAndTheClaimIsDecidedInTheSameCall() {
            ClaimResult result = ledger.claim(request(0, 10, 10).withChainView(chain(0, 100, 1_000)), 7);

            ChannelState expected = new ChannelState(CH, big(0), SENDER, SIGNER, RECIPIENT, GROUP, big(100),
                    big(1_000), big(10), Optional.of(sig(10)), 7);
            assertThat(result).isEqualTo(new Accepted(expected));
            assertThat(stored()).isEqualTo(expected);
        }

        @Test
        void mergedChannelIsKeptEvenWhenTheClaimIsRejected() {
            ClaimResult result = ledger.claim(request(0, 11, 10).withChainView(chain(0, 100, 1_000)), 7);

            ChannelState merged = ChannelState.fromChain(chain(0, 100, 1_000), 7);
            assertRejected(result, RejectReason.INCREMENT_MISMATCH, Optional.of(merged));
            assertThat(stored()).isEqualTo(merged);
        }

        @Test
        void higherChainNonceIsMergedBeforeTheNonceCheck() {
            open(0, 100, 1);
            accepted(ledger.claim(request(0, 10, 10), 2));

            ClaimResult result = ledger.claim(request(1, 10, 10).withChainView(chain(1, 90, 1_000)), 3);

            assertThat(accepted(result)).isEqualTo(new ChannelState(CH, big(1), SENDER, SIGNER, RECIPIENT, GROUP,
                    big(90), big(1_000), big(10), Optional.of(sig(10)), 3));
        }

        @Test
        void toppedUpValueIsMergedBeforeTheFundsCheck() {
            open(0, 5, 1);
            assertRejected(ledger.claim(request(0, 10, 10), 2), RejectReason.INSUFFICIENT_FUNDS,
                    Optional.of(stored()));

            ChannelState after = accepted(ledger.claim(request(0, 10, 10).withChainView(chain(0, 50, 2_000)), 3));

            assertThat(after.fullAmount()).isEqualTo(big(50));
            assertThat(after.expiration()).isEqualTo(big(2_000));
            assertThat(after.authorizedAmount()).isEqualTo(big(10));
        }

        @Test
        void wrongGroupChainViewOfAnUnknownChannelRejectsAndStoresNothing() {
            ClaimResult result = ledger.claim(
                    request(0, 10, 10).withChainView(chain(CH, 0, 100, 1_000, OTHER_GROUP)), 7);

            assertRejected(result, RejectReason.WRONG_GROUP, Optional.empty());
            assertThat(ledger.size()).isZero();
        }

        @Test
        void wrongGroupChainViewOfAKnownChannelRejectsWithStateUnchanged() {
            ChannelState before = open(0, 100, 1);

            ClaimResult result = ledger.claim(
                    request(0, 10, 10).withChainView(chain(CH, 0, 100, 1_000, OTHER_GROUP)), 7);

            assertRejected(result, RejectReason.WRONG_GROUP, Optional.of(before));
            assertThat(stored()).isEqualTo(before);
        }
    }

    @Nested
    class SyncFromChain {
        @Test
        void newChannelOfOurGroupIsStoredWithNothingAuthorized() {
            SyncResult result = ledger.sync(chain(4, 100, 1_000), 9);

            ChannelState expected = new ChannelState(CH, big(4), SENDER, SIGNER, RECIPIENT, GROUP, big(100),
                    big(1_000), BigInteger.ZERO, Optional.empty(), 9);
            assertThat(result).isEqualTo(new Synced(expected));
            assertThat(stored()).isEqualTo(expected);
            assertThat(ledger.size()).isEqualTo(1);
        }

        @Test
        void newChannelOfAnotherGroupIsWrongGroupWithEmptyState() {
            SyncResult result = ledger.sync(chain(CH, 0, 100, 1_000, OTHER_GROUP), 9);

            assertRejected(result, RejectReason.WRONG_GROUP, Optional.empty());
            assertThat(ledger.get(CH)).isEmpty();
        }

        @Test
        void knownChannelSeenInAnotherGroupIsWrongGroupAndUnchanged() {
            ChannelState before = open(0, 100, 1);

            SyncResult result = ledger.sync(chain(CH, 1, 500, 2_000, OTHER_GROUP), 9);

            assertRejected(result, RejectReason.WRONG_GROUP, Optional.of(before));
            assertThat(stored()).isEqualTo(before);
        }

        @Test
        void storedNonceAboveChainNonceKeepsStateAndRevision() {
            open(3, 100, 1);
            accepted(ledger.claim(request(3, 10, 10), 2));
            ChannelState before = stored();

            SyncResult result = ledger.sync(chain(2, 999, 5_000), 3);

            assertThat(result).isEqualTo(new Synced(before));
            assertThat(stored()).isEqualTo(before);
            assertThat(stored().revision()).isEqualTo(2);
        }

        @Test
        void storedNonceBelowChainNonceTakesChainStateAndResetsAuthorization() {
            open(0, 100, 1);
            accepted(ledger.claim(request(0, 10, 10), 2));
            accepted(ledger.claim(request(0, 20, 10).withChainView(chain(0, 100, 1_000)), 3));

            SyncResult result = ledger.sync(chain(2, 70, 3_000), 4);

            ChannelState expected = new ChannelState(CH, big(2), SENDER, SIGNER, RECIPIENT, GROUP, big(70),
                    big(3_000), BigInteger.ZERO, Optional.empty(), 4);
            assertThat(result).isEqualTo(new Synced(expected));
            assertThat(stored()).isEqualTo(expected);
        }

        @Test
        void equalNonceKeepsAuthorizationAndTakesValueAndExpiration() {
            open(1, 100, 1);
            accepted(ledger.claim(request(1, 10, 10), 2));
            accepted(ledger.claim(request(1, 20, 10), 3));

            SyncResult result = ledger.sync(chain(1, 150, 4_000), 4);

            ChannelState expected = new ChannelState(CH, big(1), SENDER, SIGNER, RECIPIENT, GROUP, big(150),
                    big(4_000), big(20), Optional.of(sig(20)), 4);
            assertThat(result).isEqualTo(new Synced(expected));
            assertThat(stored()).isEqualTo(expected);
        }

        @Test
        void equalNonceWithOnlyExpirationChangedBumpsRevision() {
            open(1, 100, 1);

            SyncResult result = ledger.sync(chain(1, 100, 1_001), 5);

            assertThat(((Synced) result).state().expiration()).isEqualTo(big(1_001));
            assertThat(stored().revision()).isEqualTo(5);
        }

        @Test
        void equalNonceWithOnlyValueChangedBumpsRevision() {
            open(1, 100, 1);

            ledger.sync(chain(1, 101, 1_000), 5);

            assertThat(stored().fullAmount()).isEqualTo(big(101));
            assertThat(stored().revision()).isEqualTo(5);
        }

        @Test
        void identicalChainViewChangesNothingNotEvenTheRevision() {
            open(1, 100, 1);
            ChannelState before = accepted(ledger.claim(request(1, 10, 10), 2));

            SyncResult result = ledger.sync(chain(1, 100, 1_000), 3);

            assertThat(result).isEqualTo(new Synced(before));
            assertThat(stored()).isEqualTo(before);
            assertThat(stored().revision()).isEqualTo(2);
        }

        @Test
        void equalNonceWithValueBelowAuthorizedIsInsufficientFundsUnchanged() {
            open(1, 100, 1);
            accepted(ledger.claim(request(1, 10, 10), 2));
            ChannelState before = accepted(ledger.claim(request(1, 20, 10), 3));

            SyncResult result = ledger.sync(chain(1, 19, 9_000), 4);

            assertRejected(result, RejectReason.INSUFFICIENT_FUNDS, Optional.of(before));
            assertThat(stored()).isEqualTo(before);
        }

        @Test
        void equalNonceWithValueEqualToAuthorizedIsTaken() {
            open(1, 100, 1);
            accepted(ledger.claim(request(1, 10, 10), 2));

            SyncResult result = ledger.sync(chain(1, 10, 1_000), 3);

            assertThat(result).isInstanceOf(Synced.class);
            assertThat(stored().fullAmount()).isEqualTo(big(10));
            assertThat(stored().authorizedAmount()).isEqualTo(big(10));
        }

        @Test
        void nonceNeverDecreasesAndRevisionsNeverDecreaseOverASequence() {
            ChannelState last = open(0, 100, 1);
            long index = 1;
            Object[] steps = {chain(0, 120, 1_000), chain(2, 80, 1_000), chain(1, 500, 1_000), chain(2, 90, 1_100),
                chain(2, 90, 1_100), chain(5, 10, 1)};
            for (Object step : steps) {
                index++;
                ledger.sync((ChainChannel) step, index);
                ChannelState now = stored();
                assertThat(now.nonce()).isGreaterThanOrEqualTo(last.nonce());
                assertThat(now.revision()).isGreaterThanOrEqualTo(last.revision());
                assertThat(now.authorizedAmount()).isLessThanOrEqualTo(now.fullAmount());
                last = now;
            }
            assertThat(last.nonce()).isEqualTo(big(5));
        }
    }

    @Nested
    class SnapshotSupport {
        private void feed(ChannelLedger target, long extraClaims) {
            target.sync(chain(ChannelId.of(3), 0, 100, 10, GROUP), 1);
            target.sync(chain(ChannelId.of(1), 2, 100, 10, GROUP), 2);
            target.sync(chain(ChannelId.of(2), 0, 100, 10, GROUP), 3);
            target.claim(ClaimRequest.of(new Payment(ChannelId.of(1), big(2), big(5), sig(5)), big(5),
                    new RequestId("a")), 4);
            target.sync(chain(ChannelId.of(9), 0, 100, 10, OTHER_GROUP), 5);
            for (long i = 1; i <= extraClaims; i++) {
                target.claim(ClaimRequest.of(new Payment(ChannelId.of(3), big(0), big(i), sig(i)), big(1),
                        new RequestId("x" + i)), 5 + i);
            }
        }

        @Test
        void digestIsEqualForLedgersFedTheSameOperations() {
            ChannelLedger a = new ChannelLedger(GROUP);
            ChannelLedger b = new ChannelLedger(GROUP);
            feed(a, 3);
            feed(b, 3);

            assertThat(digest(a)).hasSize(32).isEqualTo(digest(b));
        }

        @Test
        void digestDiffersAfterOneMoreAcceptedClaim() {
            ChannelLedger a = new ChannelLedger(GROUP);
            ChannelLedger b = new ChannelLedger(GROUP);
            feed(a, 3);
            feed(b, 4);

            assertThat(digest(a)).isNotEqualTo(digest(b));
        }

        @Test
        void digestDiffersWhenOnlyTheRevisionDiffers() {
            ChannelLedger a = new ChannelLedger(GROUP);
            ChannelLedger b = new ChannelLedger(GROUP);
            a.sync(chain(0, 100, 10), 1);
            b.sync(chain(0, 100, 10), 2);

            assertThat(digest(a)).isNotEqualTo(digest(b));
        }

        @Test
        void digestDoesNotDependOnInsertionOrder() {
            ChannelLedger a = new ChannelLedger(GROUP);
            ChannelLedger b = new ChannelLedger(GROUP);
            a.sync(chain(ChannelId.of(1), 0, 100, 10, GROUP), 1);
            a.sync(chain(ChannelId.of(2), 0, 100, 10, GROUP), 1);
            b.sync(chain(ChannelId.of(2), 0, 100, 10, GROUP), 1);
            b.sync(chain(ChannelId.of(1), 0, 100, 10, GROUP), 1);

            assertThat(digest(a)).isEqualTo(digest(b));
            assertThat(digest(new ChannelLedger(GROUP))).isNotEqualTo(digest(a));
        }

        @Test
        void copyIsSortedByChannelId() {
            ChannelLedger a = new ChannelLedger(GROUP);
            long[] ids = {1_000_000_007L, 3, 70_000, 1, 256, 255, 2, Long.MAX_VALUE};
            long index = 0;
            for (long id : ids) {
                a.sync(chain(ChannelId.of(id), 0, 1, 1, GROUP), ++index);
            }
            a.sync(chain(new ChannelId(BigInteger.ONE.shiftLeft(200)), 0, 1, 1, GROUP), ++index);

            List<ChannelId> order = a.copy().stream().map(ChannelState::channelId).toList();

            assertThat(order).hasSize(ids.length + 1).isSorted();
            assertThat(order.get(order.size() - 1)).isEqualTo(new ChannelId(BigInteger.ONE.shiftLeft(200)));
            assertThat(order.get(0)).isEqualTo(ChannelId.of(1));
        }

        @Test
        void copyIsADetachedList() {
            ledger.sync(chain(0, 100, 10), 1);
            List<ChannelState> copy = ledger.copy();

            ledger.sync(chain(ChannelId.of(99), 0, 100, 10, GROUP), 2);

            assertThat(copy).hasSize(1);
        }

        @Test
        void installingAPreparedStateReplacesInsteadOfMerging() {
            ChannelLedger source = new ChannelLedger(GROUP);
            feed(source, 2);
            ledger.sync(chain(ChannelId.of(77), 0, 100, 10, GROUP), 1);
            ledger.sync(chain(ChannelId.of(1), 9, 999, 10, GROUP), 1);

            ledger.install(ledger.prepare(source.copy(), source.reservations(), source.settlements(), source.logTimeMillis()));

            assertThat(ledger.get(ChannelId.of(77))).isEmpty();
            assertThat(ledger.copy()).isEqualTo(source.copy());
            assertThat(ledger.size()).isEqualTo(source.size());
            assertThat(digest(ledger)).isEqualTo(digest(source));
        }

        @Test
        void installingAnEmptyPreparedStateEmptiesTheLedger() {
            ledger.sync(chain(0, 100, 10), 1);

            ledger.install(ledger.prepare(List.of(), List.of(), List.of(), 0));

            assertThat(ledger.size()).isZero();
            assertThat(digest(ledger)).isEqualTo(digest(new ChannelLedger(GROUP)));
        }

        @Test
        void replacedLedgerKeepsDecidingByTheSameRules() {
            ChannelLedger source = new ChannelLedger(GROUP);
            source.sync(chain(0, 100, 10), 1);
            source.claim(request(0, 10, 10), 2);
            ledger.install(ledger.prepare(source.copy(), source.reservations(), source.settlements(), source.logTimeMillis()));

            Consumer<ChannelLedger> next = l -> l.claim(ClaimRequest.of(new Payment(CH, big(0), big(20), sig(20)),
                    big(10), new RequestId("n")), 3);
            next.accept(source);
            next.accept(ledger);

            assertThat(digest(ledger)).isEqualTo(digest(source));
            assertThat(stored().authorizedAmount()).isEqualTo(big(20));
        }
    }

    /** SHA-256 over the ledger's canonical encoding, as the state digest feeds it. */
    public static byte[] digest(ChannelLedger target) {
        MessageDigest sha = Digests.sha256();
        target.digestInto(sha);
        return sha.digest();
    }

    public static ChannelState accepted(ClaimResult result) {
        assertThat(result).isInstanceOf(Accepted.class);
        return ((Accepted) result).state();
    }
}
