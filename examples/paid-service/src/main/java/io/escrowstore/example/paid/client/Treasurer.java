package io.escrowstore.example.paid.client;

import io.escrowstore.ChannelId;
import io.escrowstore.Settlement;
import io.escrowstore.Signature;
import io.escrowstore.example.paid.chain.MultiPartyEscrow;
import io.escrowstore.example.paid.proto.FinishClaimsRequest;
import io.escrowstore.example.paid.proto.PendingClaim;
import io.escrowstore.example.paid.proto.ProviderControlGrpc;
import io.escrowstore.example.paid.proto.StartClaimsRequest;
import io.grpc.Channel;
import java.math.BigInteger;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.web3j.crypto.ECKeyPair;

/**
 * The provider's treasurer: holds the recipient's key and turns the replicas' accepted payments into
 * tokens. One round: ask a replica to start the settlements (each channel's authorization moves into
 * a pending claim and the store's nonce moves up by one), claim them all on chain in one
 * {@code multiChannelClaim} sent by the recipient, and once it is mined tell the replica the chain's
 * new nonce of each channel so the store forgets the claimed settlements.
 */
public final class Treasurer {
    private final MultiPartyEscrow mpe;
    private final ECKeyPair recipient;

    /** A treasurer claiming from {@code mpe} with the recipient's key. */
    public Treasurer(MultiPartyEscrow mpe, ECKeyPair recipient) {
        this.mpe = mpe;
        this.recipient = recipient;
    }

    /** What one round claimed on chain; empty if nothing was authorized. */
    public record Round(List<Settlement> claimed, String transaction) {
        /** The tokens the round moved to the recipient. */
        public BigInteger total() {
            return claimed.stream().map(Settlement::amount).reduce(BigInteger.ZERO, BigInteger::add);
        }
    }

    /** Runs one round through the control API of {@code replica}. */
    public Round claim(Channel replica) {
        ProviderControlGrpc.ProviderControlBlockingStub control = ProviderControlGrpc.newBlockingStub(replica);
        List<Settlement> pending = control.withDeadlineAfter(20, TimeUnit.SECONDS)
                .startClaims(StartClaimsRequest.getDefaultInstance()).getClaimsList().stream()
                .map(Treasurer::settlement).toList();
        if (pending.isEmpty()) {
            return new Round(List.of(), "");
        }
        String tx = mpe.multiChannelClaim(recipient, pending).getTransactionHash();
        for (Settlement s : pending) {
            BigInteger chainNonce = mpe.channel(s.channelId()).orElseThrow().nonce();
            control.withDeadlineAfter(20, TimeUnit.SECONDS).finishClaims(FinishClaimsRequest.newBuilder()
                    .setChannelId(s.channelId().value().toString()).setChainNonce(chainNonce.toString()).build());
        }
        return new Round(pending, tx);
    }

    private static Settlement settlement(PendingClaim claim) {
        return new Settlement(new ChannelId(new BigInteger(claim.getChannelId())), new BigInteger(claim.getNonce()),
                new BigInteger(claim.getAmount()), new Signature(claim.getSignature().toByteArray()));
    }
}
