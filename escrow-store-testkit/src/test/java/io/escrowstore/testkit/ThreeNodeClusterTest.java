package io.escrowstore.testkit;

class ThreeNodeClusterTest extends ClusterContractTest {
    @Override
    int nodes() {
        return 3;
    }
}
