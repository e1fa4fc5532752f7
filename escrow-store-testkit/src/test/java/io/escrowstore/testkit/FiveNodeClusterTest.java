package io.escrowstore.testkit;

class FiveNodeClusterTest extends ClusterContractTest {
    @Override
    int nodes() {
        return 5;
    }
}
