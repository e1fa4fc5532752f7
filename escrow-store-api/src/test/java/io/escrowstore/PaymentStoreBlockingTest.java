package io.escrowstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The blocking default methods of {@link PaymentStore}: results pass through, failures surface unwrapped. */
class PaymentStoreBlockingTest {
    private static final ChannelId CHANNEL = ChannelId.of(5);
    private static final Signature SIG = new Signature(new byte[Signature.LENGTH]);
    private static final Address ADDR = new Address(new byte[Address.LENGTH]);
    private static final GroupId GROUP = new GroupId(new byte[GroupId.LENGTH]);
    private static final ChainChannel CHAIN = new ChainChannel(CHANNEL, BigInteger.ZERO, ADDR, ADDR, ADDR, GROUP,
            BigInteger.TEN, BigInteger.TEN);
    private static final ChannelState STATE = ChannelState.fromChain(CHAIN, 1);
    private static final ClaimRequest REQUEST = ClaimRequest.of(
            new Payment(CHANNEL, BigInteger.ZERO, BigInteger.ONE, SIG), BigInteger.ONE, new RequestId("req-1"));

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    /** A store whose every async call returns the one future it was given, and records what it was asked. */
    static final class FakeStore implements PaymentStore {
        final CompletableFuture<Object> future;
        final List<Object> calls = new ArrayList<>();

        FakeStore(CompletableFuture<Object> future) {
            this.future = future;
        }

        @SuppressWarnings("unchecked")
        private <T> CompletableFuture<T> answer() {
            return (CompletableFuture<T>) (CompletableFuture<?>) future;
        }

        @Override
        public CompletableFuture<ClaimResult> claimAsync(ClaimRequest request) {
            calls.add(request);
            return answer();
        }

        @Override
        public CompletableFuture<SyncResult> syncFromChainAsync(ChainChannel chain, RequestId requestId) {
            calls.add(chain);
            calls.add(requestId);
            return answer();
        }

        @Override
        public CompletableFuture<ReserveResult> reserveAsync(ClaimRequest request, Duration lease) {
            calls.add(request);
            calls.add(lease);
            return answer();
        }

        @Override
        public CompletableFuture<ClaimResult> commitAsync(ReservationId reservationId) {
            calls.add(reservationId);
            calls.add(reservationId.commitRequestId());
            return answer();
        }

        @Override
        public CompletableFuture<ReleaseResult> releaseAsync(ReservationId reservationId) {
            calls.add(reservationId);
            calls.add(reservationId.releaseRequestId());
            return answer();
        }

        @Override
        public CompletableFuture<Map<ChannelId, SettlementResult>> startSettlementsAsync(List<ChannelId> channelIds,
                RequestId requestId) {
            calls.add(channelIds);
            calls.add(requestId);
            return answer();
        }

        @Override
        public CompletableFuture<List<Settlement>> finishSettlementsAsync(ChannelId channelId, BigInteger chainNonce,
                RequestId requestId) {
            calls.add(channelId);
            calls.add(chainNonce);
            calls.add(requestId);
            return answer();
        }

        @Override
        public CompletableFuture<List<ChannelState>> unclaimedAsync() {
            calls.add("unclaimed");
            return answer();
        }

        @Override
        public CompletableFuture<List<Settlement>> settlementsAsync() {
            calls.add("settlements");
            return answer();
        }

        @Override
        public CompletableFuture<Optional<ClaimResult>> claimOutcomeAsync(RequestId requestId) {
            calls.add("claimOutcome");
            calls.add(requestId);
            return answer();
        }

        /** The request id the last mutation was sent with. */
        RequestId lastRequestId() {
            for (int i = calls.size() - 1; i >= 0; i--) {
                if (calls.get(i) instanceof RequestId id) {
                    return id;
                }
                if (calls.get(i) instanceof ClaimRequest request) {
                    return request.requestId();
                }
            }
            throw new AssertionError("no mutation was sent: " + calls);
        }

        @Override
        public CompletableFuture<Optional<ChannelState>> channelAsync(ChannelId channelId,
                ReadConsistency consistency) {
            calls.add(channelId);
            calls.add(consistency);
            return answer();
        }

        @Override
        public StoreStatus status() {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<StoreStatus> ready() {
            calls.add("ready");
            return answer();
        }

        @Override
        public void close() {
        }
    }

    private static final RequestId SYNC_ID = new RequestId("sync-1");
    private static final RequestId SETTLE_ID = new RequestId("settle-1");
    private static final ReservationId RESERVATION = new ReservationId(17);
    private static final Duration LEASE = Duration.ofSeconds(30);

    /** Each blocking call, applied to a store. */
    static Stream<Arguments> blockingCalls() {
        return Stream.concat(mutations(), reads());
    }

    /** The blocking calls that change state (they carry a request id). */
    static Stream<Arguments> mutations() {
        return Stream.of(
                Arguments.of("claim", (Function<PaymentStore, Object>) s -> s.claim(REQUEST)),
                Arguments.of("syncFromChain", (Function<PaymentStore, Object>) s -> s.syncFromChain(CHAIN)),
                Arguments.of("syncFromChain with id",
                        (Function<PaymentStore, Object>) s -> s.syncFromChain(CHAIN, SYNC_ID)),
                Arguments.of("reserve", (Function<PaymentStore, Object>) s -> s.reserve(REQUEST, LEASE)),
                Arguments.of("commit", (Function<PaymentStore, Object>) s -> s.commit(RESERVATION)),
                Arguments.of("release", (Function<PaymentStore, Object>) s -> s.release(RESERVATION)),
                Arguments.of("startSettlements",
                        (Function<PaymentStore, Object>) s -> s.startSettlements(List.of(CHANNEL), SETTLE_ID)),
                Arguments.of("startSettlement",
                        (Function<PaymentStore, Object>) s -> s.startSettlement(CHANNEL, SETTLE_ID)),
                Arguments.of("finishSettlements",
                        (Function<PaymentStore, Object>) s -> s.finishSettlements(CHANNEL, BigInteger.TWO, SETTLE_ID)));
    }

    /** The blocking reads. */
    static Stream<Arguments> reads() {
        return Stream.of(
                Arguments.of("channel", (Function<PaymentStore, Object>) s -> s.channel(CHANNEL)),
                Arguments.of("channel LOCAL",
                        (Function<PaymentStore, Object>) s -> s.channel(CHANNEL, ReadConsistency.LOCAL)),
                Arguments.of("unclaimed", (Function<PaymentStore, Object>) PaymentStore::unclaimed),
                Arguments.of("settlements", (Function<PaymentStore, Object>) PaymentStore::settlements),
                Arguments.of("claimOutcome", (Function<PaymentStore, Object>) s -> s.claimOutcome(SYNC_ID)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("blockingCalls")
    void noQuorumExceptionIsThrownAsIsNotWrapped(String name, Function<PaymentStore, Object> call) {
        NoQuorumException failure = new NoQuorumException("no leader within 5 s");
        FakeStore store = new FakeStore(CompletableFuture.failedFuture(failure));

        assertThat(catchThrowable(() -> call.apply(store))).isSameAs(failure);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("blockingCalls")
    void indeterminateOutcomeIsThrownAsIsWithItsRequestId(String name, Function<PaymentStore, Object> call) {
        IndeterminateOutcomeException failure = new IndeterminateOutcomeException(new RequestId("req-1"), "timeout");
        FakeStore store = new FakeStore(CompletableFuture.failedFuture(failure));

        Throwable thrown = catchThrowable(() -> call.apply(store));
        assertThat(thrown).isSameAs(failure);
        assertThat(((IndeterminateOutcomeException) thrown).requestId()).isEqualTo(new RequestId("req-1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("blockingCalls")
    void runtimeCauseFromADependentStageIsUnwrapped(String name, Function<PaymentStore, Object> call) {
        StoreOverloadedException failure = new StoreOverloadedException("10000 in flight");
        CompletableFuture<Object> source = new CompletableFuture<>();
        CompletableFuture<Object> dependent = source.thenApply(x -> {
            throw failure;
        });
        source.complete("ignored");
        FakeStore store = new FakeStore(dependent);

        assertThat(catchThrowable(() -> call.apply(store))).isSameAs(failure);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("blockingCalls")
    void explicitCompletionExceptionIsUnwrapped(String name, Function<PaymentStore, Object> call) {
        StoreClosedException failure = new StoreClosedException("closed");
        FakeStore store = new FakeStore(CompletableFuture.failedFuture(new CompletionException(failure)));

        assertThat(catchThrowable(() -> call.apply(store))).isSameAs(failure);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("blockingCalls")
    void checkedCauseIsWrappedInEscrowStoreException(String name, Function<PaymentStore, Object> call) {
        IOException failure = new IOException("disk gone");
        FakeStore store = new FakeStore(CompletableFuture.failedFuture(failure));

        assertThatThrownBy(() -> call.apply(store))
                .isExactlyInstanceOf(EscrowStoreException.class)
                .hasCause(failure);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("blockingCalls")
    void cancelledFutureBecomesEscrowStoreException(String name, Function<PaymentStore, Object> call) {
        CompletableFuture<Object> future = new CompletableFuture<>();
        future.cancel(false);
        FakeStore store = new FakeStore(future);

        assertThatThrownBy(() -> call.apply(store))
                .isExactlyInstanceOf(EscrowStoreException.class)
                .hasMessageContaining("cancelled");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mutations")
    void interruptedWaitForAMutationIsIndeterminateWithItsRequestIdAndKeepsTheInterruptFlag(String name,
            Function<PaymentStore, Object> call) {
        FakeStore store = new FakeStore(new CompletableFuture<>());
        Thread.currentThread().interrupt();

        Throwable thrown = catchThrowable(() -> call.apply(store));

        assertThat(thrown).isInstanceOf(IndeterminateOutcomeException.class);
        assertThat(((IndeterminateOutcomeException) thrown).requestId()).isEqualTo(store.lastRequestId());
        assertThat(Thread.interrupted()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("reads")
    void interruptedReadThrowsAndKeepsTheInterruptFlag(String name, Function<PaymentStore, Object> call) {
        FakeStore store = new FakeStore(new CompletableFuture<>());
        Thread.currentThread().interrupt();

        assertThatThrownBy(() -> call.apply(store))
                .isExactlyInstanceOf(EscrowStoreException.class)
                .hasCauseInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).isTrue();
    }

    @Test
    void claimReturnsTheFutureValueAndPassesTheRequest() {
        Accepted accepted = new Accepted(STATE);
        FakeStore store = new FakeStore(CompletableFuture.completedFuture(accepted));

        assertThat(store.claim(REQUEST)).isSameAs(accepted);
        assertThat(store.calls).containsExactly(REQUEST);
    }

    @Test
    void syncFromChainReturnsTheFutureValueAndPassesTheChainView() {
        Rejected rejected = new Rejected(RejectReason.WRONG_GROUP, Optional.empty());
        FakeStore store = new FakeStore(CompletableFuture.completedFuture(rejected));

        assertThat(store.syncFromChain(CHAIN, SYNC_ID)).isSameAs(rejected);
        assertThat(store.calls).containsExactly(CHAIN, SYNC_ID);
    }

    @Test
    void syncFromChainWithoutAnIdSendsAFreshRandomIdEachTime() {
        Synced synced = new Synced(STATE);
        FakeStore store = new FakeStore(CompletableFuture.completedFuture(synced));

        assertThat(store.syncFromChain(CHAIN)).isSameAs(synced);
        RequestId first = store.lastRequestId();
        store.syncFromChainAsync(CHAIN).join();
        RequestId second = store.lastRequestId();

        assertThat(first).isNotEqualTo(second);
        assertThat(store.calls).containsExactly(CHAIN, first, CHAIN, second);
    }

    @Test
    void channelReadIsLinearizableByDefault() {
        FakeStore store = new FakeStore(CompletableFuture.completedFuture(Optional.of(STATE)));

        assertThat(store.channel(CHANNEL)).contains(STATE);
        assertThat(store.calls).containsExactly(CHANNEL, ReadConsistency.LINEARIZABLE);
    }

    @Test
    void channelReadPassesTheRequestedConsistency() {
        FakeStore store = new FakeStore(CompletableFuture.completedFuture(Optional.empty()));

        assertThat(store.channel(CHANNEL, ReadConsistency.LOCAL)).isEmpty();
        assertThat(store.calls).containsExactly(CHANNEL, ReadConsistency.LOCAL);
    }

    @Test
    void reserveReturnsTheFutureValueAndPassesRequestAndLease() {
        Reserved reserved = new Reserved(RESERVATION, STATE, Instant.ofEpochMilli(1_000));
        FakeStore store = new FakeStore(CompletableFuture.completedFuture(reserved));

        assertThat(store.reserve(REQUEST, LEASE)).isSameAs(reserved);
        assertThat(store.calls).containsExactly(REQUEST, LEASE);
    }

    @Test
    void commitAndReleaseOfOneReservationUseTheirOwnStableRequestIds() {
        Accepted accepted = new Accepted(STATE);
        FakeStore commits = new FakeStore(CompletableFuture.completedFuture(accepted));
        FakeStore releases = new FakeStore(CompletableFuture.completedFuture(new Released(STATE)));

        assertThat(commits.commit(RESERVATION)).isSameAs(accepted);
        assertThat(releases.release(RESERVATION)).isEqualTo(new Released(STATE));

        assertThat(commits.lastRequestId()).isEqualTo(RESERVATION.commitRequestId())
                .isEqualTo(new ReservationId(17).commitRequestId());
        assertThat(releases.lastRequestId()).isEqualTo(RESERVATION.releaseRequestId());
        assertThat(RESERVATION.commitRequestId()).isNotEqualTo(RESERVATION.releaseRequestId());
    }

    @Test
    void startSettlementOfOneChannelSendsAOneElementListAndReturnsItsResult() {
        Settlement settlement = new Settlement(CHANNEL, BigInteger.ZERO, BigInteger.ONE, SIG);
        SettlementStarted started = new SettlementStarted(settlement, STATE);
        FakeStore store = new FakeStore(CompletableFuture.completedFuture(Map.of(CHANNEL, started)));

        assertThat(store.startSettlement(CHANNEL, SETTLE_ID)).isSameAs(started);
        assertThat(store.calls).containsExactly(List.of(CHANNEL), SETTLE_ID);
    }

    @Test
    void startSettlementsReturnsThePerChannelMapAsIs() {
        Map<ChannelId, SettlementResult> results = new LinkedHashMap<>();
        results.put(ChannelId.of(9), new Rejected(RejectReason.NOTHING_TO_SETTLE, Optional.of(STATE)));
        results.put(CHANNEL, new Rejected(RejectReason.UNKNOWN_CHANNEL, Optional.empty()));
        FakeStore store = new FakeStore(CompletableFuture.completedFuture(results));

        assertThat(store.startSettlements(List.of(ChannelId.of(9), CHANNEL), SETTLE_ID)).isSameAs(results);
        assertThat(store.calls).containsExactly(List.of(ChannelId.of(9), CHANNEL), SETTLE_ID);
    }

    @Test
    void finishSettlementsPassesChannelNonceAndRequestId() {
        List<Settlement> removed = List.of(new Settlement(CHANNEL, BigInteger.ONE, BigInteger.TEN, SIG));
        FakeStore store = new FakeStore(CompletableFuture.completedFuture(removed));

        assertThat(store.finishSettlements(CHANNEL, BigInteger.TWO, SETTLE_ID)).isSameAs(removed);
        assertThat(store.calls).containsExactly(CHANNEL, BigInteger.TWO, SETTLE_ID);
    }

    @Test
    void readsOfUnclaimedSettlementsAndOutcomesPassTheFutureValueThrough() {
        List<ChannelState> unclaimed = List.of(STATE);
        Optional<ClaimResult> outcome = Optional.of(new Accepted(STATE));

        assertThat(new FakeStore(CompletableFuture.completedFuture(unclaimed)).unclaimed()).isSameAs(unclaimed);
        assertThat(new FakeStore(CompletableFuture.completedFuture(List.of())).settlements()).isEmpty();
        FakeStore outcomes = new FakeStore(CompletableFuture.completedFuture(outcome));
        assertThat(outcomes.claimOutcome(SYNC_ID)).isSameAs(outcome);
        assertThat(outcomes.calls).containsExactly("claimOutcome", SYNC_ID);
    }

    @Test
    void exceptionHierarchyLetsCallersCatchWhatTheyCanActOn() {
        assertThat(new NoQuorumException("x")).isInstanceOf(StoreUnavailableException.class);
        assertThat(new StoreUnavailableException("x")).isInstanceOf(EscrowStoreException.class);
        assertThat(new IndeterminateOutcomeException(new RequestId("r"), "x"))
                .isInstanceOf(EscrowStoreException.class)
                .hasMessageContaining("r");
        assertThat(new StoreClosedException("x")).isInstanceOf(EscrowStoreException.class);
        assertThat(new StoreOverloadedException("x")).isInstanceOf(EscrowStoreException.class);
        assertThat(new EscrowStoreException("x")).isInstanceOf(RuntimeException.class);
    }

    @Test
    void awaitReadyReturnsTheStatusTheStoreFoundReady() {
        Member self = new Member("127.0.0.1", 7001);
        StoreStatus ready = new StoreStatus(self, Optional.of(self), 1, List.of(self), 3);
        FakeStore store = new FakeStore(CompletableFuture.completedFuture(ready));

        assertThat(store.awaitReady(Duration.ofSeconds(1))).isSameAs(ready);
    }

    @Test
    void awaitReadyGivesUpAfterItsTimeoutWithNoQuorumAndStopsTheCheck() {
        CompletableFuture<Object> never = new CompletableFuture<>();
        FakeStore store = new FakeStore(never);

        assertThatThrownBy(() -> store.awaitReady(Duration.ofMillis(50)))
                .isExactlyInstanceOf(NoQuorumException.class)
                .hasMessageContaining("not ready within 50 ms")
                .hasMessageContaining("no leader backed by a majority");
        assertThat(never).as("the check stops asking").isCancelled();
    }

    @Test
    void awaitReadyThrowsTheStoresFailureAsIs() {
        StoreClosedException failure = new StoreClosedException("closed");
        FakeStore store = new FakeStore(CompletableFuture.failedFuture(failure));

        assertThat(catchThrowable(() -> store.awaitReady(Duration.ofSeconds(1)))).isSameAs(failure);
    }

    @Test
    void awaitReadyRefusesANonPositiveTimeout() {
        FakeStore store = new FakeStore(new CompletableFuture<>());

        assertThatThrownBy(() -> store.awaitReady(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
