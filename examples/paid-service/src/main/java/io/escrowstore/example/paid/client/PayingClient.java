package io.escrowstore.example.paid.client;

import io.escrowstore.Address;
import io.escrowstore.ChannelId;
import io.escrowstore.Payment;
import io.escrowstore.example.paid.payment.ClaimMessage;
import io.escrowstore.example.paid.payment.PaymentHeaders;
import io.escrowstore.example.paid.proto.CalculatorGrpc;
import io.escrowstore.example.paid.proto.Numbers;
import io.escrowstore.example.paid.proto.Result;
import io.grpc.Channel;
import io.grpc.stub.MetadataUtils;
import java.math.BigInteger;
import java.util.concurrent.TimeUnit;
import org.web3j.crypto.ECKeyPair;

/**
 * The client of the paid service over one channel: for every call it signs the next cumulative
 * amount (what it has paid under the current nonce, plus the price) and sends it in the call's
 * metadata. Not thread-safe: one call in flight at a time, as a channel's payments are sequential.
 */
public final class PayingClient {
    private final Address mpe;
    private final ChannelId channel;
    private final ECKeyPair signer;
    private final BigInteger price;
    private BigInteger nonce = BigInteger.ZERO;
    private BigInteger paid = BigInteger.ZERO;

    /** A client paying {@code price} a call over {@code channel} of the escrow at {@code mpe}, signing with {@code signer}. */
    public PayingClient(Address mpe, ChannelId channel, ECKeyPair signer, BigInteger price) {
        this.mpe = mpe;
        this.channel = channel;
        this.signer = signer;
        this.price = price;
    }

    /** The payment for the next call: the channel's nonce and the paid amount plus the price, signed. */
    public Payment nextPayment() {
        return sign(nonce, paid.add(price), signer);
    }

    /** A payment of {@code amount} under {@code nonce} signed by {@code key}, which may not be the channel's signer. */
    public Payment sign(BigInteger atNonce, BigInteger amount, ECKeyPair key) {
        return new Payment(channel, atNonce, amount, new ClaimMessage(mpe, channel, atNonce, amount).sign(key));
    }

    /**
     * Calls {@code Add(a, b)} on {@code replica} with {@code payment}.
     *
     * @throws io.grpc.StatusRuntimeException if the replica refused the payment or could not be reached
     */
    public static Result add(Channel replica, Payment payment, long a, long b) {
        return CalculatorGrpc.newBlockingStub(replica)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(PaymentHeaders.of(payment)))
                .withDeadlineAfter(20, TimeUnit.SECONDS)
                .add(Numbers.newBuilder().setA(a).setB(b).build());
    }

    /** Records that {@code payment} was accepted: the next call pays on top of it. */
    public void accepted(Payment payment) {
        if (!payment.nonce().equals(nonce) || payment.amount().compareTo(paid) <= 0) {
            throw new IllegalArgumentException("not the next payment of this client: " + payment);
        }
        paid = payment.amount();
    }

    /** The provider claimed the channel on chain and its nonce moved: pay from 0 again under {@code chainNonce}. */
    public void nonceMoved(BigInteger chainNonce) {
        nonce = chainNonce;
        paid = BigInteger.ZERO;
    }

    /** The nonce the client pays under. */
    public BigInteger nonce() {
        return nonce;
    }
}
