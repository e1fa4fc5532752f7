package io.escrowstore.example.paid.replica;

import io.escrowstore.example.paid.proto.CalculatorGrpc;
import io.escrowstore.example.paid.proto.Numbers;
import io.escrowstore.example.paid.proto.Result;
import io.grpc.stub.StreamObserver;

/** The paid service itself: adds two numbers, and says which replica did. Reached only through the payment check. */
public final class CalculatorService extends CalculatorGrpc.CalculatorImplBase {
    private final String replica;

    /** The service of the replica named {@code replica}. */
    public CalculatorService(String replica) {
        this.replica = replica;
    }

    @Override
    public void add(Numbers request, StreamObserver<Result> response) {
        response.onNext(Result.newBuilder().setValue(Math.addExact(request.getA(), request.getB()))
                .setReplica(replica).build());
        response.onCompleted();
    }
}
