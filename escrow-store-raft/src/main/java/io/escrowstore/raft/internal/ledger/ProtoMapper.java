package io.escrowstore.raft.internal.ledger;

import com.google.protobuf.ByteString;
import io.escrowstore.Address;
import io.escrowstore.ChainChannel;
import io.escrowstore.ChannelId;
import io.escrowstore.ChannelState;
import io.escrowstore.ClaimRequest;
import io.escrowstore.GroupId;
import io.escrowstore.Payment;
import io.escrowstore.RequestId;
import io.escrowstore.ReservationId;
import io.escrowstore.Settlement;
import io.escrowstore.Signature;
import io.escrowstore.raft.proto.EscrowProto.ChainChannelMsg;
import io.escrowstore.raft.proto.EscrowProto.ChannelStateMsg;
import io.escrowstore.raft.proto.EscrowProto.ClaimCommand;
import io.escrowstore.raft.proto.EscrowProto.ReservationMsg;
import io.escrowstore.raft.proto.EscrowProto.SettlementMsg;
import java.math.BigInteger;
import java.util.Optional;

/**
 * Maps the API value types to their protobuf messages and back. Decoding goes through the value
 * types' constructors, so every decoded value is validated; bad bytes raise
 * {@link IllegalArgumentException}.
 */
public final class ProtoMapper {
    private static final int UINT256_BYTES = 32;

    private ProtoMapper() {
    }

    public static ByteString uint256(BigInteger value) {
        if (value.signum() == 0) {
            return ByteString.EMPTY;
        }
        byte[] bytes = value.toByteArray();
        int offset = bytes[0] == 0 ? 1 : 0;
        return ByteString.copyFrom(bytes, offset, bytes.length - offset);
    }

    public static BigInteger uint256(ByteString bytes, String field) {
        if (bytes.size() > UINT256_BYTES) {
            throw new IllegalArgumentException(field + " has " + bytes.size() + " bytes, more than a uint256");
        }
        if (bytes.size() > 0 && bytes.byteAt(0) == 0) {
            throw new IllegalArgumentException(field + " has a leading zero byte (not canonical)");
        }
        return bytes.isEmpty() ? BigInteger.ZERO : new BigInteger(1, bytes.toByteArray());
    }

    static ByteString bytes(byte[] value) {
        return ByteString.copyFrom(value);
    }

    public static ChainChannelMsg toMsg(ChainChannel chain) {
        return ChainChannelMsg.newBuilder()
                .setChannelId(uint256(chain.channelId().value()))
                .setNonce(uint256(chain.nonce()))
                .setSender(bytes(chain.sender().bytes()))
                .setSigner(bytes(chain.signer().bytes()))
                .setRecipient(bytes(chain.recipient().bytes()))
                .setGroupId(bytes(chain.groupId().bytes()))
                .setValue(uint256(chain.value()))
                .setExpiration(uint256(chain.expiration()))
                .build();
    }

    public static ChainChannel fromMsg(ChainChannelMsg msg) {
        return new ChainChannel(
                new ChannelId(uint256(msg.getChannelId(), "channelId")),
                uint256(msg.getNonce(), "nonce"),
                new Address(msg.getSender().toByteArray()),
                new Address(msg.getSigner().toByteArray()),
                new Address(msg.getRecipient().toByteArray()),
                new GroupId(msg.getGroupId().toByteArray()),
                uint256(msg.getValue(), "value"),
                uint256(msg.getExpiration(), "expiration"));
    }

    public static ChannelStateMsg toMsg(ChannelState state) {
        return ChannelStateMsg.newBuilder()
                .setChannelId(uint256(state.channelId().value()))
                .setNonce(uint256(state.nonce()))
                .setSender(bytes(state.sender().bytes()))
                .setSigner(bytes(state.signer().bytes()))
                .setRecipient(bytes(state.recipient().bytes()))
                .setGroupId(bytes(state.groupId().bytes()))
                .setFullAmount(uint256(state.fullAmount()))
                .setExpiration(uint256(state.expiration()))
                .setAuthorizedAmount(uint256(state.authorizedAmount()))
                .setSignature(state.signature().map(s -> bytes(s.bytes())).orElse(ByteString.EMPTY))
                .setRevision(state.revision())
                .build();
    }

    public static ChannelState fromMsg(ChannelStateMsg msg) {
        return new ChannelState(
                new ChannelId(uint256(msg.getChannelId(), "channelId")),
                uint256(msg.getNonce(), "nonce"),
                new Address(msg.getSender().toByteArray()),
                new Address(msg.getSigner().toByteArray()),
                new Address(msg.getRecipient().toByteArray()),
                new GroupId(msg.getGroupId().toByteArray()),
                uint256(msg.getFullAmount(), "fullAmount"),
                uint256(msg.getExpiration(), "expiration"),
                uint256(msg.getAuthorizedAmount(), "authorizedAmount"),
                msg.getSignature().isEmpty()
                        ? Optional.empty()
                        : Optional.of(new Signature(msg.getSignature().toByteArray())),
                msg.getRevision());
    }

    public static ClaimCommand toMsg(ClaimRequest request) {
        Payment payment = request.payment();
        ClaimCommand.Builder builder = ClaimCommand.newBuilder()
                .setChannelId(uint256(payment.channelId().value()))
                .setNonce(uint256(payment.nonce()))
                .setAmount(uint256(payment.amount()))
                .setSignature(bytes(payment.signature().bytes()))
                .setPrice(uint256(request.price()));
        request.chainView().ifPresent(view -> builder.setChainView(toMsg(view)));
        return builder.build();
    }

    /** The request id travels in the command envelope, not in the claim body. */
    public static ClaimRequest fromMsg(ClaimCommand msg, RequestId requestId) {
        Payment payment = new Payment(
                new ChannelId(uint256(msg.getChannelId(), "channelId")),
                uint256(msg.getNonce(), "nonce"),
                uint256(msg.getAmount(), "amount"),
                new Signature(msg.getSignature().toByteArray()));
        Optional<ChainChannel> view = msg.hasChainView() ? Optional.of(fromMsg(msg.getChainView())) : Optional.empty();
        return new ClaimRequest(payment, uint256(msg.getPrice(), "price"), requestId, view);
    }

    public static SettlementMsg toMsg(Settlement settlement) {
        return SettlementMsg.newBuilder()
                .setChannelId(uint256(settlement.channelId().value()))
                .setNonce(uint256(settlement.nonce()))
                .setAmount(uint256(settlement.amount()))
                .setSignature(bytes(settlement.signature().bytes()))
                .build();
    }

    public static Settlement fromMsg(SettlementMsg msg) {
        return new Settlement(new ChannelId(uint256(msg.getChannelId(), "channelId")), uint256(msg.getNonce(), "nonce"),
                uint256(msg.getAmount(), "amount"), new Signature(msg.getSignature().toByteArray()));
    }

    public static ReservationMsg toMsg(Reservation reservation) {
        return ReservationMsg.newBuilder()
                .setReservationId(reservation.id().value())
                .setChannelId(uint256(reservation.channelId().value()))
                .setOwnerRequestId(reservation.owner().value())
                .setNonce(uint256(reservation.nonce()))
                .setAmount(uint256(reservation.amount()))
                .setSignature(bytes(reservation.signature().bytes()))
                .setPrice(uint256(reservation.price()))
                .setExpiresAtMillis(reservation.expiresAtMillis())
                .setLeaseMillis(reservation.leaseMillis())
                .build();
    }

    public static Reservation fromMsg(ReservationMsg msg) {
        return new Reservation(new ReservationId(msg.getReservationId()),
                new ChannelId(uint256(msg.getChannelId(), "channelId")), new RequestId(msg.getOwnerRequestId()),
                uint256(msg.getNonce(), "nonce"), uint256(msg.getAmount(), "amount"),
                new Signature(msg.getSignature().toByteArray()), uint256(msg.getPrice(), "price"),
                msg.getExpiresAtMillis(), msg.getLeaseMillis());
    }
}
