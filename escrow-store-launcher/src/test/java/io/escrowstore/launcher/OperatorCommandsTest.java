package io.escrowstore.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.escrowstore.Accepted;
import io.escrowstore.Address;
import io.escrowstore.ChainChannel;
import io.escrowstore.ChannelId;
import io.escrowstore.ClaimRequest;
import io.escrowstore.GroupId;
import io.escrowstore.Payment;
import io.escrowstore.RejectReason;
import io.escrowstore.Rejected;
import io.escrowstore.RequestId;
import io.escrowstore.Reserved;
import io.escrowstore.Signature;
import io.escrowstore.SettlementStarted;
import io.escrowstore.raft.RaftPaymentStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The operator commands against a real three-member group in this JVM, asked over the admin RPC
 * like an operator would; every test uses its own channels, so they share one group.
 */
class OperatorCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final BigInteger PRICE = BigInteger.TEN;

    @TempDir
    static Path dir;

    private static ThreeNodes group;

    private StringWriter out;
    private StringWriter err;

    @BeforeAll
    static void start() {
        group = new ThreeNodes(dir);
    }

    @AfterAll
    static void stop() {
        group.close();
    }

    @BeforeEach
    void freshOutput() {
        out = new StringWriter();
        err = new StringWriter();
    }

    @Test
    void channelsWalksEveryChannelInIdOrderAPageAtATime() throws IOException {
        for (long id = 101; id <= 105; id++) {
            open(id);
        }
        List<Long> seen = new ArrayList<>();
        String after = null;
        do {
            String[] cursor = after == null ? new String[0] : new String[] {"--after", after};
            JsonNode page = json(ask(Stream.concat(Stream.of("channels", "--limit", "2", "-o", "json"),
                    Arrays.stream(cursor)).toArray(String[]::new)));
            assertThat(page.get("channels").size()).isBetween(1, 2);
            page.get("channels").forEach(channel -> seen.add(channel.get("channelId").asLong()));
            after = page.has("nextAfter") ? page.get("nextAfter").asText() : null;
        } while (after != null);

        assertThat(seen).isSorted().doesNotHaveDuplicates().contains(101L, 102L, 103L, 104L, 105L);
        assertThat(ask("channels", "--after", "102", "--limit", "2")).contains("channels:")
                .containsPattern("(?m)^ +103 ").containsPattern("(?m)^ +104 ").contains("nextAfter: 104")
                .doesNotContainPattern("(?m)^ +102 ");
    }

    @Test
    void channelShowsStateLiveReservationAndPendingSettlement() throws IOException {
        open(201);
        claim(201, "claim-201");
        open(202);
        Reserved reserved = (Reserved) group.leader().reserve(claimRequest(202, "reserve-202"), Duration.ofHours(1));
        open(203);
        claim(203, "claim-203");
        assertThat(group.leader().startSettlement(new ChannelId(BigInteger.valueOf(203)), RequestId.random()))
                .isInstanceOf(SettlementStarted.class);

        JsonNode claimed = json(ask("channel", "201", "-o", "json"));
        assertThat(claimed.get("channel").get("authorizedAmount").asText()).isEqualTo("10");
        assertThat(claimed.get("reservation").isNull()).isTrue();
        assertThat(claimed.get("settlement").isNull()).isTrue();
        JsonNode held = json(ask("channel", "202", "-o", "json"));
        assertThat(held.get("reservation").get("reservationId").asLong()).isEqualTo(reserved.reservationId().value());
        assertThat(held.get("reservation").get("ownerRequestId").asText()).isEqualTo("reserve-202");
        JsonNode settling = json(ask("channel", "203", "-o", "json"));
        assertThat(settling.get("settlement").get("amount").asText()).isEqualTo("10");
        assertThat(ask("channel", "202")).contains("channel:", "  channelId: 202", "reservation:",
                "  reservationId: " + reserved.reservationId().value(), "settlement: -");
    }

    @Test
    void aFollowerAnswersTheOutcomeOfAClaimJustCommitted() throws IOException {
        open(301);
        claim(301, "claim-301");
        String follower = group.follower().config().self().toString();

        JsonNode outcome = json(ask("outcome", "claim-301", "--node", follower, "-o", "json"));

        assertThat(outcome.get("result").asText()).isEqualTo("ACCEPTED");
        assertThat(outcome.get("channel").get("channelId").asText()).isEqualTo("301");
        assertThat(ask("outcome", "claim-301")).contains("result: ACCEPTED");
    }

    @Test
    void unknownChannelOutcomeAndReservationExitWith1() {
        assertThat(run("channel", "987654321")).isEqualTo(1);
        assertThat(err.toString()).startsWith("NOT_FOUND").contains("987654321");
        assertThat(run("outcome", "never-sent")).isEqualTo(1);
        assertThat(err.toString()).contains("NOT_FOUND");
        assertThat(run("release-reservation", "987654321", "--reason", "test")).isEqualTo(1);
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void unclaimedAndSettlementsListWhatTheStoreHolds() throws IOException {
        open(401);
        claim(401, "claim-401");
        open(402);
        claim(402, "claim-402");
        group.leader().startSettlement(new ChannelId(BigInteger.valueOf(402)), RequestId.random());

        List<String> unclaimed = new ArrayList<>();
        json(ask("unclaimed", "-o", "json")).get("channels").forEach(c -> unclaimed.add(c.get("channelId").asText()));
        List<String> settling = new ArrayList<>();
        json(ask("settlements", "-o", "json")).get("settlements")
                .forEach(s -> settling.add(s.get("channelId").asText()));

        assertThat(unclaimed).contains("401");
        assertThat(settling).contains("402").doesNotContain("401");
        assertThat(ask("settlements")).startsWith("settlements:").containsPattern("(?m)^ +402 ");
    }

    @Test
    void releasingALiveReservationThroughAFollowerFreesItsChannelForAClaimOnTheLeader() throws IOException {
        open(501);
        RaftPaymentStore leader = group.leader();
        Reserved reserved = (Reserved) leader.reserve(claimRequest(501, "stuck-501"), Duration.ofHours(1));
        assertThat(leader.claim(claimRequest(501, "blocked-501"))).isInstanceOfSatisfying(Rejected.class,
                rejected -> assertThat(rejected.reason()).isEqualTo(RejectReason.CHANNEL_BUSY));

        String follower = group.follower().config().self().toString();

        ByteArrayOutputStream logged = new ByteArrayOutputStream();
        PrintStream stderr = System.err;
        System.setErr(new PrintStream(logged, true, StandardCharsets.UTF_8));
        JsonNode released;
        try {
            released = json(ask("release-reservation", String.valueOf(reserved.reservationId().value()),
                    "--reason", "client crashed holding it", "--node", follower, "-o", "json"));
        } finally {
            System.setErr(stderr);
        }

        assertThat(released.get("result").asText()).isEqualTo("RELEASED");
        assertThat(logged.toString(StandardCharsets.UTF_8)).as("the node's audit line").contains(
                "operator released reservation " + reserved.reservationId().value()
                        + " on channel 501, reason: client crashed holding it");
        assertThat(released.get("channel").get("channelId").asText()).isEqualTo("501");
        assertThat(json(ask("channel", "501", "-o", "json")).get("reservation").isNull()).isTrue();
        assertThat(group.leader().claim(claimRequest(501, "after-release-501"))).isInstanceOf(Accepted.class);
    }

    @Test
    void statusAnswersAsJson() throws IOException {
        String leader = group.leader().config().self().toString();

        JsonNode status = json(ask("status", "--node", leader, "-o", "json"));

        assertThat(status.get("node").asText()).isEqualTo(leader);
        assertThat(status.get("state").asText()).isEqualTo("STATE_LEADER");
        assertThat(status.get("members").size()).isEqualTo(3);
        assertThat(status.get("lag").size()).isEqualTo(3);
    }

    @Test
    void plaintextIsRefusedWithExitCode2UnlessAskedFor() {
        String node = group.leader().config().self().toString();

        assertThat(run("channels", "--node", node, "--raft-group", group.raftGroup)).isEqualTo(2);
        assertThat(err.toString()).contains("Refusing to connect without TLS", "--unsafe-plaintext");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void invalidOptionsExitWith2AndAnUnreachableNodeWith3() {
        assertThat(run("channels", "--limit", "0")).isEqualTo(2);
        assertThat(run("channels", "-o", "yaml")).isEqualTo(2);
        assertThat(run("release-reservation", "1")).isEqualTo(2);
        assertThat(run("channels", "--node", "127.0.0.1:" + SingleNode.freePort(), "--raft-group", group.raftGroup,
                "--unsafe-plaintext", "--timeout", "1s")).isEqualTo(3);
        assertThat(err.toString()).contains("No answer from 127.0.0.1:");
    }

    private static void open(long id) {
        ChainChannel chain = new ChainChannel(new ChannelId(BigInteger.valueOf(id)), BigInteger.ZERO, address(1),
                address(2), address(3), GroupId.fromHex(SingleNode.GROUP_HEX), BigInteger.valueOf(1_000),
                BigInteger.valueOf(1_000_000));
        group.leader().syncFromChain(chain);
    }

    private static void claim(long id, String requestId) {
        assertThat(group.leader().claim(claimRequest(id, requestId))).isInstanceOf(Accepted.class);
    }

    private static ClaimRequest claimRequest(long id, String requestId) {
        return ClaimRequest.of(new Payment(new ChannelId(BigInteger.valueOf(id)), BigInteger.ZERO, PRICE,
                new Signature(new byte[Signature.LENGTH])), PRICE, new RequestId(requestId));
    }

    private static Address address(int fill) {
        byte[] bytes = new byte[20];
        Arrays.fill(bytes, (byte) fill);
        return new Address(bytes);
    }

    /** Runs a command that must succeed against the first member, plaintext; its standard output. */
    private String ask(String... args) {
        int exit = run(args);
        assertThat(exit).as(err.toString()).isZero();
        return out.toString();
    }

    /** Runs a command; adds the first member, the group and --unsafe-plaintext unless it names a node. */
    private int run(String... args) {
        freshOutput();
        List<String> all = new ArrayList<>(List.of(args));
        if (!all.contains("--node")) {
            all.addAll(List.of("--node", group.stores.get(0).config().self().toString(), "--raft-group",
                    group.raftGroup, "--unsafe-plaintext"));
        } else if (!all.contains("--raft-group")) {
            all.addAll(List.of("--raft-group", group.raftGroup, "--unsafe-plaintext"));
        }
        CommandLine cmd = AdminCommands.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        int exit = cmd.execute(all.toArray(String[]::new));
        cmd.getOut().flush();
        cmd.getErr().flush();
        return exit;
    }

    private static JsonNode json(String text) throws IOException {
        return JSON.readTree(text);
    }
}
