package io.escrowstore.example.paid.story;

import io.escrowstore.Address;
import io.escrowstore.ChannelId;
import io.escrowstore.GroupId;
import io.escrowstore.Payment;
import io.escrowstore.example.paid.chain.Contracts;
import io.escrowstore.example.paid.chain.Ethereum;
import io.escrowstore.example.paid.chain.LocalChain;
import io.escrowstore.example.paid.chain.MultiPartyEscrow;
import io.escrowstore.example.paid.client.PayingClient;
import io.escrowstore.example.paid.client.Treasurer;
import io.escrowstore.example.paid.payment.ClaimMessage;
import io.escrowstore.example.paid.proto.NodeStatusReply;
import io.escrowstore.example.paid.proto.Result;
import io.escrowstore.example.paid.story.ReplicaCluster.Replica;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Hash;
import org.web3j.crypto.Keys;

/**
 * The whole path of a paid call, with real parts only, told step by step: a local chain with the
 * published token and MultiPartyEscrow contracts, a client that opens a channel and pays every
 * call with a signed claim message, three replicas of a paid gRPC service (each its own process
 * with its own store node, mutual TLS between the nodes) that accept each payment exactly once,
 * and a treasurer that claims the accepted payments on chain. Ends with the check that the
 * recipient's balance on chain equals the sum of the accepted payments.
 */
public final class PaidServiceStory {
    /** The price of one call, in the token's smallest unit. */
    static final BigInteger PRICE = BigInteger.valueOf(10);
    private static final BigInteger CHANNEL_VALUE = BigInteger.valueOf(100_000);
    private static final BigInteger EXPIRATION_THRESHOLD = BigInteger.valueOf(100);
    private static final BigInteger CHANNEL_LIFETIME_BLOCKS = BigInteger.valueOf(10_000);
    private static final Duration LEADER_TIMEOUT = Duration.ofSeconds(60);
    private static final int MAX_ATTEMPTS = 6;

    private final Consumer<String> say;
    private final MultiPartyEscrow mpe;
    private final PayingClient client;
    private final ChannelId channel;
    private final ReplicaCluster replicas;
    private final List<Payment> accepted = new ArrayList<>();
    private final Set<String> servedBy = new LinkedHashSet<>();
    private int next;

    private PaidServiceStory(Consumer<String> say, MultiPartyEscrow mpe, PayingClient client, ChannelId channel,
            ReplicaCluster replicas) {
        this.say = say;
        this.mpe = mpe;
        this.client = client;
        this.channel = channel;
        this.replicas = replicas;
    }

    /** What the story saw, for the end-to-end test to check. */
    public record Report(
            ChannelId channel,
            Set<String> servedBy,
            List<Status.Code> doubleSend,
            Status.Code replay,
            Status.Code forged,
            long revisionBeforeForged,
            long revisionAfterForged,
            int servedAfterKill,
            BigInteger chainNonceBeforeClaim,
            BigInteger chainNonceAfterClaim,
            int paidUnderNewNonce,
            BigInteger acceptedTotal,
            BigInteger recipientBalance) {
    }

    /** The accounts of the story, from fixed seeds: a demo never sees a real key. */
    record Accounts(ECKeyPair deployer, ECKeyPair sender, ECKeyPair signer, ECKeyPair recipient) {
        static Accounts demo() {
            return new Accounts(key("deployer"), key("sender"), key("signer"), key("recipient"));
        }

        private static ECKeyPair key(String role) {
            return ECKeyPair.create(Hash.sha3(("paid-service demo " + role).getBytes(StandardCharsets.UTF_8)));
        }
    }

    /**
     * Runs the story on a fresh chain and fresh replicas under {@code work}, telling it to {@code say}.
     *
     * @param chainDir the example's chain folder, {@code npm ci} done
     */
    public static Report run(Path chainDir, Path work, Consumer<String> say) {
        Accounts accounts = Accounts.demo();
        try (LocalChain chain = LocalChain.start(chainDir, List.of(accounts.deployer(), accounts.sender(),
                accounts.recipient()), work.resolve("ganache.log"));
                Ethereum ethereum = Ethereum.connect(chain.url())) {
            say.accept("chain: ganache on " + chain.url() + ", block " + ethereum.blockNumber());
            Contracts.Deployed contracts = Contracts.deploy(ethereum, chainDir, accounts.deployer());
            say.accept("deployed: token " + contracts.token().address() + ", MultiPartyEscrow " + contracts.mpe().address());

            Address sender = ClaimMessage.addressOf(accounts.sender());
            Address recipient = ClaimMessage.addressOf(accounts.recipient());
            GroupId group = new GroupId(Hash.sha3("paid-service demo group".getBytes(StandardCharsets.UTF_8)));
            ChannelId channel = ChannelOpening.open(ethereum, contracts, accounts.deployer(), accounts.sender(),
                    ClaimMessage.addressOf(accounts.signer()), recipient, group, CHANNEL_VALUE, CHANNEL_LIFETIME_BLOCKS,
                    1).get(0);
            BigInteger expiration = contracts.mpe().channel(channel).orElseThrow().expiration();
            say.accept("client " + sender + " approved and deposited " + CHANNEL_VALUE + " tokens and opened "
                    + channel + " on chain: signer " + ClaimMessage.addressOf(accounts.signer()) + ", recipient "
                    + recipient + ", value " + CHANNEL_VALUE + ", expires at block " + expiration);

            try (ReplicaCluster replicas = ReplicaCluster.start(3, work, new ReplicaCluster.Terms(chain.url(),
                    contracts.mpe().address().toHex(), recipient.toHex(), group, PRICE, EXPIRATION_THRESHOLD))) {
                Replica leader = replicas.awaitLeader(LEADER_TIMEOUT);
                say.accept("3 replicas serving, each its own process and store node (mutual TLS); leader: "
                        + leader.name());
                PayingClient client = new PayingClient(contracts.mpe().address(), channel, accounts.signer(), PRICE);
                return new PaidServiceStory(say, contracts.mpe(), client, channel, replicas)
                        .tell(accounts.recipient(), recipient);
            }
        }
    }

    private Report tell(ECKeyPair recipientKey, Address recipient) {
        for (int i = 0; i < 6; i++) {
            payAt(nextAlive());
        }
        say.accept("6 paid calls accepted, served by " + servedBy);

        List<Status.Code> doubleSend = sendToTwoAtOnce();
        Status.Code replay = replayFirstPayment();

        Replica witness = replicas.alive().get(0);
        long before = channelStatus(witness).getRevision();
        Status forged = call(witness, client.sign(client.nonce(), nextAmount(), randomKey()));
        long after = channelStatus(witness).getRevision();
        say.accept("forged signature (a key that is neither signer nor sender): " + describe(forged)
                + "; the channel's store"
                + " revision is " + after + " as before (" + before + "): the store was never asked");

        Replica leader = replicas.awaitLeader(LEADER_TIMEOUT);
        Replica victim = replicas.alive().stream().filter(r -> r != leader).findFirst().orElseThrow();
        replicas.kill(victim);
        say.accept("killed " + victim.name() + " (kill -9): 2 of 3 store nodes left, still a majority");
        int servedAfterKill = 0;
        for (int i = 0; i < 4; i++) {
            payAt(nextAlive());
            servedAfterKill++;
        }
        say.accept(servedAfterKill + " more paid calls served by the replicas left");

        BigInteger nonceBefore = mpe.channel(channel).orElseThrow().nonce();
        Treasurer treasurer = new Treasurer(mpe, recipientKey);
        Treasurer.Round round = treasurer.claim(replicas.alive().get(0).channel());
        BigInteger nonceAfter = mpe.channel(channel).orElseThrow().nonce();
        say.accept("treasurer: startSettlements, multiChannelClaim of " + round.total() + " tokens mined in "
                + round.transaction() + ", finishSettlements; chain nonce " + nonceBefore + " -> " + nonceAfter
                + ", store nonce " + channelStatus(replicas.alive().get(0)).getNonce());

        client.nonceMoved(nonceAfter);
        int paidUnderNewNonce = 0;
        for (int i = 0; i < 3; i++) {
            payAt(nextAlive());
            paidUnderNewNonce++;
        }
        say.accept(paidUnderNewNonce + " paid calls accepted under nonce " + nonceAfter);
        Treasurer.Round last = treasurer.claim(replicas.alive().get(0).channel());
        say.accept("treasurer: second claim of " + last.total() + " tokens mined in " + last.transaction());

        BigInteger acceptedTotal = PRICE.multiply(BigInteger.valueOf(accepted.size()));
        BigInteger balance = mpe.balance(recipient);
        say.accept("final check: recipient's escrow balance on chain " + balance + " "
                + (balance.equals(acceptedTotal) ? "==" : "!=") + " sum of the " + accepted.size()
                + " accepted payments " + acceptedTotal);
        return new Report(channel, servedBy, doubleSend, replay, forged.getCode(), before, after, servedAfterKill, nonceBefore,
                nonceAfter, paidUnderNewNonce, acceptedTotal, balance);
    }

    /**
     * Pays one call at {@code replica}. A replica that cannot be reached gets the same payment sent
     * to the next one. When the store could not decide in time (INTERNAL), the client does what a
     * production client does after an unknown outcome: once the group has a leader it reads the
     * channel's state, and counts the payment as accepted if the store holds exactly its amount,
     * else sends it again.
     */
    private void payAt(Replica replica) {
        Payment payment = client.nextPayment();
        List<Replica> tries = new ArrayList<>(List.of(replica));
        replicas.alive().stream().filter(r -> r != replica).forEach(tries::add);
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Replica r = tries.get(attempt % tries.size());
            try {
                Result result = PayingClient.add(r.channel(), payment, 2, 3);
                served(payment, result.getReplica());
                return;
            } catch (StatusRuntimeException e) {
                Status.Code code = e.getStatus().getCode();
                if (code == Status.Code.INTERNAL || code == Status.Code.DEADLINE_EXCEEDED) {
                    replicas.awaitLeader(LEADER_TIMEOUT);
                    NodeStatusReply state = channelStatus(replicas.alive().get(0));
                    if (state.getNonce().equals(payment.nonce().toString())
                            && state.getAuthorizedAmount().equals(payment.amount().toString())) {
                        client.accepted(payment); // paid but not served: the call's answer was lost
                        accepted.add(payment);
                        say.accept("payment of amount " + payment.amount() + " was accepted by the store though"
                                + " the call failed; learned from the channel's state");
                        return;
                    }
                } else if (code != Status.Code.UNAVAILABLE) {
                    throw new IllegalStateException(r.name() + " refused " + payment + ": " + e.getStatus(), e);
                }
            }
        }
        throw new IllegalStateException("no replica served " + payment + " in " + MAX_ATTEMPTS + " attempts");
    }

    private void served(Payment payment, String by) {
        client.accepted(payment);
        accepted.add(payment);
        servedBy.add(by);
    }

    private List<Status.Code> sendToTwoAtOnce() {
        List<Replica> two = replicas.alive().subList(0, 2);
        Payment payment = client.nextPayment();
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<Status>> calls = two.stream().map(r -> CompletableFuture.supplyAsync(() -> {
            start.countDown();
            try {
                start.await();
                return call(r, payment);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Status.CANCELLED;
            }
        })).toList();
        List<Status> statuses = calls.stream().map(CompletableFuture::join).toList();
        List<Status.Code> codes = statuses.stream().map(Status::getCode).toList();
        if (codes.stream().filter(Status.Code.OK::equals).count() == 1) {
            client.accepted(payment);
            accepted.add(payment);
        }
        say.accept("the same signed payment (amount " + payment.amount() + ") sent to " + two.get(0).name() + " and "
                + two.get(1).name() + " at once: " + statuses.stream().map(PaidServiceStory::describe).toList());
        return codes;
    }

    private Status.Code replayFirstPayment() {
        Payment first = accepted.get(0);
        Status status = call(nextAlive(), first);
        say.accept("replay of the first payment (amount " + first.amount() + "): " + describe(status));
        return status.getCode();
    }

    private static Status call(Replica replica, Payment payment) {
        try {
            PayingClient.add(replica.channel(), payment, 0, 0);
            return Status.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus();
        }
    }

    private static String describe(Status status) {
        return status.getDescription() == null ? status.getCode().toString()
                : status.getCode() + " (" + status.getDescription() + ")";
    }

    private NodeStatusReply channelStatus(Replica replica) {
        return replicas.status(replica, channel.value().toString())
                .orElseThrow(() -> new IllegalStateException(replica.name() + " does not answer"));
    }

    private BigInteger nextAmount() {
        return client.nextPayment().amount();
    }

    private Replica nextAlive() {
        List<Replica> alive = replicas.alive();
        return alive.get(next++ % alive.size());
    }

    private static ECKeyPair randomKey() {
        try {
            return Keys.createEcKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs the story in a temporary folder and prints it; exits 1 if the final check fails. */
    public static void main(String[] args) throws IOException {
        Path work = Files.createTempDirectory("paid-service-story");
        Report report;
        try {
            report = run(LocalChain.defaultDir(), work, System.out::println);
        } finally {
            deleteTree(work);
        }
        System.exit(report.recipientBalance().equals(report.acceptedTotal()) ? 0 : 1);
    }

    static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
