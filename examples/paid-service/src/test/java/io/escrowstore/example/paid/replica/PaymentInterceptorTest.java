package io.escrowstore.example.paid.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.escrowstore.Address;
import io.escrowstore.ChainChannel;
import io.escrowstore.ChannelId;
import io.escrowstore.ChannelState;
import io.escrowstore.GroupId;
import io.escrowstore.Member;
import io.escrowstore.Payment;
import io.escrowstore.example.paid.client.PayingClient;
import io.escrowstore.example.paid.payment.ClaimMessage;
import io.escrowstore.example.paid.proto.CalculatorGrpc;
import io.escrowstore.example.paid.proto.Numbers;
import io.escrowstore.raft.RaftPaymentStore;
import io.escrowstore.raft.RaftStoreConfig;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Hash;

/**
 * The replica's payment check through gRPC: a paid Calculator behind the interceptor, in process,
 * over a real one-node store and a chain the test controls. Each refusal is checked for its status
 * and for whether the store was touched.
 */
class PaymentInterceptorTest {
    private static final BigInteger PRICE = BigInteger.TEN;
    private static final BigInteger THRESHOLD = BigInteger.valueOf(5);
    private static final Address MPE = Address.fromHex("0x5b1869d9a4c187f2eaa108f3062412ecf0526b24");
    private static final GroupId GROUP = new GroupId(Hash.sha3("group".getBytes(StandardCharsets.UTF_8)));
    private static final ECKeyPair SENDER = key("sender");
    private static final ECKeyPair SIGNER = key("signer");
    private static final Address RECIPIENT = ClaimMessage.addressOf(key("recipient"));
    private static final ChannelId CHANNEL = ChannelId.of(3);

    @TempDir
    Path dataDir;
    private final FakeChain chain = new FakeChain();
    private RaftPaymentStore store;
    private Server server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws IOException {
        Member self = new Member("127.0.0.1", freePort());
        store = RaftPaymentStore.open(RaftStoreConfig.builder().unsafePlaintext().groupId(GROUP).self(self)
                .members(List.of(self)).dataDir(dataDir).electionTimeout(Duration.ofMillis(200))
                .maxElectionDelay(Duration.ofMillis(100)).requestTimeout(Duration.ofSeconds(5)).build());
        await().atMost(Duration.ofSeconds(30)).until(() -> store.status().isLeader());
        PaymentGate gate = new PaymentGate(new PaymentGate.Terms(MPE, RECIPIENT, GROUP, PRICE, THRESHOLD),
                new ChannelViews(chain, chain::blockNumber), store);
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).directExecutor()
                .addService(ServerInterceptors.intercept(new CalculatorService("r1"), new PaymentInterceptor(gate)))
                .build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        chain.put(onChain(BigInteger.ZERO, RECIPIENT, BigInteger.valueOf(1_000)));
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        server.shutdownNow();
        store.close();
    }

    @Test
    void aPaymentSignedByTheChannelsSignerIsServedAndStored() {
        assertThat(PayingClient.add(channel, payment(0, 10, SIGNER), 2, 3).getValue()).isEqualTo(5);
        assertThat(stored()).map(ChannelState::authorizedAmount).contains(BigInteger.TEN);
    }

    @Test
    void aPaymentSignedByTheChannelsSenderIsServed() {
        assertThat(PayingClient.add(channel, payment(0, 10, SENDER), 2, 3).getValue()).isEqualTo(5);
    }

    @Test
    void aCallWithoutPaymentIsRefusedAsInvalidArgument() {
        assertThatThrownBy(() -> CalculatorGrpc.newBlockingStub(channel).add(Numbers.getDefaultInstance()))
                .satisfies(e -> assertThat(status(e).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
        assertThat(stored()).isEmpty();
    }

    @Test
    void aForgedSignatureIsRefusedWithoutTouchingTheStore() {
        assertThat(refusal(payment(0, 10, key("forger")))).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(stored()).as("the chain view is merged only with a claim: no claim was made").isEmpty();
    }

    @Test
    void aChannelTheChainDoesNotKnowIsRefused() {
        Payment unknown = new Payment(ChannelId.of(99), BigInteger.ZERO, PRICE,
                new ClaimMessage(MPE, ChannelId.of(99), BigInteger.ZERO, PRICE).sign(SIGNER));
        assertThat(refusal(unknown)).isEqualTo(Status.Code.UNAUTHENTICATED);
    }

    @Test
    void aChannelPayingAnotherRecipientIsRefused() {
        chain.put(onChain(BigInteger.ZERO, ClaimMessage.addressOf(key("someone else")), BigInteger.valueOf(1_000)));
        assertThat(refusal(payment(0, 10, SIGNER))).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(stored()).isEmpty();
    }

    @Test
    void aChannelExpiringWithinTheThresholdIsRefused() {
        chain.put(onChain(BigInteger.ZERO, RECIPIENT, chain.blockNumber().add(THRESHOLD)));
        assertThat(refusal(payment(0, 10, SIGNER))).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(stored()).isEmpty();
    }

    @Test
    void aReplayedPaymentIsRefusedAsAlreadyClaimed() {
        PayingClient.add(channel, payment(0, 10, SIGNER), 1, 1);
        assertThatThrownBy(() -> PayingClient.add(channel, payment(0, 10, SIGNER), 1, 1))
                .satisfies(e -> assertThat(status(e).getCode()).isEqualTo(Status.Code.UNAUTHENTICATED))
                .satisfies(e -> assertThat(status(e).getDescription()).startsWith("ALREADY_CLAIMED"));
    }

    @Test
    void anAmountAboveThePriceIsRefusedAsIncorrectAmount() {
        assertThatThrownBy(() -> PayingClient.add(channel, payment(0, 20, SIGNER), 1, 1))
                .satisfies(e -> assertThat(status(e).getCode()).isEqualTo(Status.Code.UNAUTHENTICATED))
                .satisfies(e -> assertThat(status(e).getDescription()).startsWith("INCORRECT_AMOUNT"));
    }

    @Test
    void aPaymentUnderAnOldNonceIsRefusedAsIncorrectNonceOnceTheChainMoved() {
        PayingClient.add(channel, payment(0, 10, SIGNER), 1, 1);
        chain.put(onChain(BigInteger.ONE, RECIPIENT, BigInteger.valueOf(1_000)));
        chain.mine();
        assertThatThrownBy(() -> PayingClient.add(channel, payment(0, 20, SIGNER), 1, 1))
                .satisfies(e -> assertThat(status(e).getCode()).isEqualTo(Status.Code.ABORTED));
        assertThat(PayingClient.add(channel, payment(1, 10, SIGNER), 1, 1).getValue()).isEqualTo(2);
    }

    @Test
    void theChainViewIsCachedWithinABlock() {
        PayingClient.add(channel, payment(0, 10, SIGNER), 1, 1);
        int reads = chain.reads();
        PayingClient.add(channel, payment(0, 20, SIGNER), 1, 1);
        assertThat(chain.reads()).isEqualTo(reads);
    }

    @Test
    void aStaleViewIsReadAgainWhenTheStoreAnswersNonceMismatch() {
        PayingClient.add(channel, payment(0, 10, SIGNER), 1, 1);
        chain.put(onChain(BigInteger.ONE, RECIPIENT, BigInteger.valueOf(1_000))); // same block: the cache is stale
        assertThat(PayingClient.add(channel, payment(1, 10, SIGNER), 1, 1).getValue()).isEqualTo(2);
        assertThat(stored()).map(ChannelState::nonce).contains(BigInteger.ONE);
    }

    private Status.Code refusal(Payment payment) {
        try {
            PayingClient.add(channel, payment, 1, 1);
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
    }

    private Optional<ChannelState> stored() {
        return store.channel(CHANNEL);
    }

    private static Status status(Throwable e) {
        return ((StatusRuntimeException) e).getStatus();
    }

    private static Payment payment(long nonce, long amount, ECKeyPair key) {
        BigInteger n = BigInteger.valueOf(nonce);
        BigInteger a = BigInteger.valueOf(amount);
        return new Payment(CHANNEL, n, a, new ClaimMessage(MPE, CHANNEL, n, a).sign(key));
    }

    private static ChainChannel onChain(BigInteger nonce, Address recipient, BigInteger expiration) {
        return new ChainChannel(CHANNEL, nonce, ClaimMessage.addressOf(SENDER), ClaimMessage.addressOf(SIGNER),
                recipient, GROUP, BigInteger.valueOf(1_000), expiration);
    }

    private static ECKeyPair key(String name) {
        return ECKeyPair.create(Hash.sha3(name.getBytes(StandardCharsets.UTF_8)));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
