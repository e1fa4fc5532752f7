package io.escrowstore.example.paid.payment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.escrowstore.ChannelId;
import io.escrowstore.Payment;
import io.escrowstore.Signature;
import io.grpc.Metadata;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/** The payment metadata under snet-daemon's header names, written and read back, and refused when malformed. */
class PaymentHeadersTest {
    private static final Payment PAYMENT = new Payment(ChannelId.of(12), BigInteger.TWO,
            new BigInteger("1000000000000000000000"), new Signature(new byte[Signature.LENGTH]));

    @Test
    void aPaymentIsWrittenUnderSnetDaemonsHeaderNamesAndReadBack() {
        Metadata headers = PaymentHeaders.of(PAYMENT);
        assertThat(headers.get(Metadata.Key.of("snet-payment-type", Metadata.ASCII_STRING_MARSHALLER))).isEqualTo("escrow");
        assertThat(headers.get(Metadata.Key.of("snet-payment-channel-id", Metadata.ASCII_STRING_MARSHALLER))).isEqualTo("12");
        assertThat(headers.get(Metadata.Key.of("snet-payment-channel-nonce", Metadata.ASCII_STRING_MARSHALLER))).isEqualTo("2");
        assertThat(headers.get(Metadata.Key.of("snet-payment-channel-amount", Metadata.ASCII_STRING_MARSHALLER)))
                .isEqualTo("1000000000000000000000");
        assertThat(PaymentHeaders.read(headers)).isEqualTo(PAYMENT);
    }

    @Test
    void anotherPaymentTypeIsRefused() {
        Metadata headers = PaymentHeaders.of(PAYMENT);
        headers.removeAll(PaymentHeaders.TYPE);
        headers.put(PaymentHeaders.TYPE, "free-call");
        assertThatThrownBy(() -> PaymentHeaders.read(headers)).isInstanceOf(MalformedPaymentException.class)
                .hasMessageContaining("snet-payment-type");
    }

    @Test
    void aNegativeAmountIsRefused() {
        Metadata headers = PaymentHeaders.of(PAYMENT);
        headers.removeAll(PaymentHeaders.AMOUNT);
        headers.put(PaymentHeaders.AMOUNT, "-1");
        assertThatThrownBy(() -> PaymentHeaders.read(headers)).isInstanceOf(MalformedPaymentException.class)
                .hasMessageContaining("snet-payment-channel-amount");
    }

    @Test
    void aShortSignatureIsRefused() {
        Metadata headers = PaymentHeaders.of(PAYMENT);
        headers.removeAll(PaymentHeaders.SIGNATURE);
        headers.put(PaymentHeaders.SIGNATURE, new byte[64]);
        assertThatThrownBy(() -> PaymentHeaders.read(headers)).isInstanceOf(MalformedPaymentException.class)
                .hasMessageContaining("signature-bin");
    }
}
