package io.escrowstore.example.paid.payment;

import io.escrowstore.ChannelId;
import io.escrowstore.Payment;
import io.escrowstore.Signature;
import io.grpc.Metadata;
import java.math.BigInteger;

/**
 * The gRPC metadata a paid call carries, under the header names snet-daemon reads: payment type
 * {@code escrow}, channel id, nonce and amount as decimal strings, and the 65-byte signature in the
 * binary header {@code snet-payment-channel-signature-bin}.
 */
public final class PaymentHeaders {
    /** The payment protocol; {@code escrow} is the only one. */
    public static final Metadata.Key<String> TYPE = ascii("snet-payment-type");
    /** The channel id, decimal. */
    public static final Metadata.Key<String> CHANNEL_ID = ascii("snet-payment-channel-id");
    /** The channel nonce the payment was signed for, decimal. */
    public static final Metadata.Key<String> NONCE = ascii("snet-payment-channel-nonce");
    /** The cumulative amount authorized, this call included, decimal. */
    public static final Metadata.Key<String> AMOUNT = ascii("snet-payment-channel-amount");
    /** The client's signature over the claim message. */
    public static final Metadata.Key<byte[]> SIGNATURE =
            Metadata.Key.of("snet-payment-channel-signature-bin", Metadata.BINARY_BYTE_MARSHALLER);
    /** The value of {@link #TYPE} for MultiPartyEscrow payments. */
    public static final String ESCROW = "escrow";

    private PaymentHeaders() {
    }

    /** The headers for {@code payment}. */
    public static Metadata of(Payment payment) {
        Metadata headers = new Metadata();
        headers.put(TYPE, ESCROW);
        headers.put(CHANNEL_ID, payment.channelId().value().toString());
        headers.put(NONCE, payment.nonce().toString());
        headers.put(AMOUNT, payment.amount().toString());
        headers.put(SIGNATURE, payment.signature().bytes());
        return headers;
    }

    /**
     * The payment in {@code headers}.
     *
     * @throws MalformedPaymentException naming the header that is missing or malformed
     */
    public static Payment read(Metadata headers) {
        String type = required(headers, TYPE);
        if (!ESCROW.equals(type)) {
            throw new MalformedPaymentException("unexpected \"" + TYPE.name() + "\", value: \"" + type + "\"");
        }
        ChannelId channelId = new ChannelId(decimal(headers, CHANNEL_ID));
        BigInteger nonce = decimal(headers, NONCE);
        BigInteger amount = decimal(headers, AMOUNT);
        byte[] signature = headers.get(SIGNATURE);
        if (signature == null) {
            throw new MalformedPaymentException("missing \"" + SIGNATURE.name() + "\"");
        }
        if (signature.length != Signature.LENGTH) {
            throw new MalformedPaymentException("incorrect format \"" + SIGNATURE.name() + "\": "
                    + signature.length + " bytes");
        }
        return new Payment(channelId, nonce, amount, new Signature(signature));
    }

    private static BigInteger decimal(Metadata headers, Metadata.Key<String> key) {
        String text = required(headers, key);
        try {
            BigInteger value = new BigInteger(text);
            if (value.signum() < 0 || value.bitLength() > 256) {
                throw new NumberFormatException("not a uint256");
            }
            return value;
        } catch (NumberFormatException e) {
            throw new MalformedPaymentException("incorrect format \"" + key.name() + "\": \"" + text + "\"");
        }
    }

    private static String required(Metadata headers, Metadata.Key<String> key) {
        String value = headers.get(key);
        if (value == null) {
            throw new MalformedPaymentException("missing \"" + key.name() + "\"");
        }
        return value;
    }

    private static Metadata.Key<String> ascii(String name) {
        return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
    }
}
