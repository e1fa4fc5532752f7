package io.escrowstore.example.paid.replica;

import io.escrowstore.Payment;
import io.escrowstore.example.paid.payment.MalformedPaymentException;
import io.escrowstore.example.paid.payment.PaymentHeaders;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * Lets a call through to the paid service only if its payment is accepted: reads the payment from
 * the call's metadata, asks the {@link PaymentGate}, and closes a refused call with the status of
 * {@link StatusMapping} before the service sees it.
 */
public final class PaymentInterceptor implements ServerInterceptor {
    private final PaymentGate gate;

    /** An interceptor deciding through {@code gate}. */
    public PaymentInterceptor(PaymentGate gate) {
        this.gate = gate;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        Decision decision;
        try {
            Payment payment = PaymentHeaders.read(headers);
            decision = gate.authorize(payment);
        } catch (MalformedPaymentException e) {
            decision = new Decision.Refused(Refusal.MALFORMED_PAYMENT, e.getMessage());
        }
        if (decision instanceof Decision.Refused refused) {
            call.close(StatusMapping.statusOf(refused), new Metadata());
            return new ServerCall.Listener<>() { };
        }
        return next.startCall(call, headers);
    }
}
