package io.escrowstore.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.escrowstore.GroupId;
import io.escrowstore.Member;
import io.escrowstore.raft.RaftPaymentStore;
import io.escrowstore.raft.RaftStoreConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link HealthServer} of a real node of a two-member group, asked by a real HTTP client. */
class HealthServerTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    @Test
    void liveAtOnceReadyOnlyOnceAMajorityRunsAndMetricsInPrometheusText() throws Exception {
        List<Member> members = List.of(new Member("127.0.0.1", SingleNode.freePort()),
                new Member("127.0.0.1", SingleNode.freePort()));
        RaftPaymentStore first = open(members, 0);
        HealthServer http = HealthServer.start(first, SingleNode.freePort());
        opened.add(http);
        String base = "http://127.0.0.1:" + http.address().getPort();

        assertThat(get(base + "/health/live").statusCode()).isEqualTo(200);
        HttpResponse<String> unready = get(base + "/health/ready");
        assertThat(unready.statusCode()).as("one member of two is no majority").isEqualTo(503);
        assertThat(unready.body()).startsWith("not ready:");

        open(members, 1);
        await().atMost(WAIT).until(() -> get(base + "/health/ready").statusCode() == 200);
        assertThat(get(base + "/health/ready").body()).startsWith("ready: leader 127.0.0.1:");

        HttpResponse<String> metrics = get(base + "/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type).startsWith("text/plain; version=0.0.4"));
        assertThat(metrics.body())
                .contains("# TYPE escrow_raft_term gauge")
                .contains("# TYPE escrow_claims_total counter")
                .containsPattern("escrow_raft_members\\{member=\"127\\.0\\.0\\.1:\\d+\",raft_group=\"http-\\d+\"} 2\\.0");
        assertThat(get(base + "/metrics/other").statusCode()).isEqualTo(404);
    }

    private RaftPaymentStore open(List<Member> members, int index) {
        RaftPaymentStore store = RaftPaymentStore.open(RaftStoreConfig.builder()
                .unsafePlaintext()
                .groupId(GroupId.fromHex(SingleNode.GROUP_HEX))
                .raftGroup("http-" + members.get(0).port())
                .self(members.get(index))
                .members(members)
                .dataDir(dir.resolve("n" + index))
                .electionTimeout(Duration.ofMillis(300))
                .maxElectionDelay(Duration.ofMillis(100))
                .requestTimeout(Duration.ofSeconds(2))
                .build());
        opened.add(store);
        return store;
    }

    private HttpResponse<String> get(String uri) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
