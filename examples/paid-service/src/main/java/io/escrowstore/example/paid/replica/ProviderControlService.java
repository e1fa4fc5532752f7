package io.escrowstore.example.paid.replica;

import com.google.protobuf.ByteString;
import io.escrowstore.ChannelId;
import io.escrowstore.ChannelState;
import io.escrowstore.PaymentStore;
import io.escrowstore.ReadConsistency;
import io.escrowstore.RequestId;
import io.escrowstore.Settlement;
import io.escrowstore.StoreStatus;
import io.escrowstore.example.paid.proto.FinishClaimsReply;
import io.escrowstore.example.paid.proto.FinishClaimsRequest;
import io.escrowstore.example.paid.proto.NodeStatusReply;
import io.escrowstore.example.paid.proto.NodeStatusRequest;
import io.escrowstore.example.paid.proto.PendingClaim;
import io.escrowstore.example.paid.proto.PendingClaims;
import io.escrowstore.example.paid.proto.ProviderControlGrpc;
import io.escrowstore.example.paid.proto.StartClaimsRequest;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The provider's unpaid control API of a replica, for the treasurer (who holds the recipient's key)
 * and for operators: start the claims of every channel with an authorized amount, finish them once
 * the chain has claimed them, and read this node's view of the group and of a channel. A production
 * deployment serves it on another port than the paid service, to the provider's own network only.
 */
public final class ProviderControlService extends ProviderControlGrpc.ProviderControlImplBase {
    private final String replica;
    private final PaymentStore store;

    /** The control API of replica {@code replica} over its store node. */
    public ProviderControlService(String replica, PaymentStore store) {
        this.replica = replica;
        this.store = store;
    }

    @Override
    public void startClaims(StartClaimsRequest request, StreamObserver<PendingClaims> response) {
        answer(response, () -> {
            List<ChannelId> unclaimed = store.unclaimed().stream().map(ChannelState::channelId).toList();
            if (!unclaimed.isEmpty()) {
                store.startSettlements(unclaimed, RequestId.random());
            }
            PendingClaims.Builder claims = PendingClaims.newBuilder();
            for (Settlement s : store.settlements()) {
                claims.addClaims(PendingClaim.newBuilder().setChannelId(s.channelId().value().toString())
                        .setNonce(s.nonce().toString()).setAmount(s.amount().toString())
                        .setSignature(ByteString.copyFrom(s.signature().bytes())));
            }
            return claims.build();
        });
    }

    @Override
    public void finishClaims(FinishClaimsRequest request, StreamObserver<FinishClaimsReply> response) {
        answer(response, () -> FinishClaimsReply.newBuilder().setFinished(store.finishSettlements(
                new ChannelId(new BigInteger(request.getChannelId())), new BigInteger(request.getChainNonce()),
                RequestId.random()).size()).build());
    }

    @Override
    public void nodeStatus(NodeStatusRequest request, StreamObserver<NodeStatusReply> response) {
        answer(response, () -> {
            StoreStatus status = store.status();
            NodeStatusReply.Builder reply = NodeStatusReply.newBuilder().setReplica(replica)
                    .setLeader(status.isLeader()).setHasLeader(status.leader().isPresent());
            if (!request.getChannelId().isEmpty()) {
                Optional<ChannelState> state = store.channel(new ChannelId(new BigInteger(request.getChannelId())),
                        ReadConsistency.LINEARIZABLE);
                state.ifPresent(s -> reply.setChannelKnown(true).setNonce(s.nonce().toString())
                        .setAuthorizedAmount(s.authorizedAmount().toString()).setRevision(s.revision()));
            }
            return reply.build();
        });
    }

    private static <T> void answer(StreamObserver<T> response, Supplier<T> work) {
        T reply;
        try {
            reply = work.get();
        } catch (RuntimeException e) {
            response.onError(Status.UNAVAILABLE.withDescription(e.toString()).asRuntimeException());
            return;
        }
        response.onNext(reply);
        response.onCompleted();
    }
}
