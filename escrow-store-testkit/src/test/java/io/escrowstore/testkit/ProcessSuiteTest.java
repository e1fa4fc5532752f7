package io.escrowstore.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.escrowstore.ChannelId;
import io.escrowstore.ChannelState;
import io.escrowstore.GroupId;
import io.escrowstore.Member;
import io.escrowstore.raft.StateDigest;
import io.escrowstore.raft.internal.engine.StoreProperties;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The process-level suite: three JVMs, each embedding one store node ({@link ReplicaProcess}) and
 * running its share of the replicas' traffic, recording its history to a file. Under load: the
 * leader's process is killed with {@code kill -9} and restarted from its data dir; a follower's
 * and then the leader's process are paused with {@code SIGSTOP} and resumed with
 * {@code SIGCONT}. Then the merged histories go through both checkers and every process must
 * report the same state digest. Every process is killed at the end, pass or fail, and the temp
 * dir (data, logs, histories, and the RocksDB native library each JVM extracts to its
 * {@code java.io.tmpdir}) is removed. Network partitions between processes are not injected here.
 */
class ProcessSuiteTest {
    private static final int NODES = 3;
    private static final long SEED = 10_003;
    private static final long DEPOSIT = 1_000_000_000L;
    private static final List<Long> CHANNELS = List.of(1L, 2L, 3L, 4L, 5L, 6L);
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration PROGRESS_TIMEOUT = Duration.ofSeconds(20);

    private final List<Proc> procs = new ArrayList<>();
    private final List<Path> histories = new ArrayList<>();
    private Path root;
    private GroupId group;
    private List<Member> members;
    private long faults;

    /** One running node process; replies are the lines it printed with the {@code @@} prefix. */
    private record Proc(int index, Process process, PrintStream in, BlockingQueue<String> replies) {
        String ask(String command) {
            in.println(command);
            in.flush();
            String reply;
            try {
                reply = replies.poll(REPLY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            if (reply == null || reply.startsWith("ERROR") || reply.startsWith("EXIT")) {
                throw new IllegalStateException("node process " + index + " answered " + command + " with " + reply);
            }
            return reply;
        }
    }

    @Test
    void killedAndPausedNodeProcessesLoseNoAcknowledgedClaimAndConvergeToOneState() throws Exception {
        long started = System.nanoTime();
        root = Files.createTempDirectory("escrow-process-suite");
        try {
            group = TestChannels.randomGroupId();
            int[] ports = FreePorts.pick(NODES);
            members = IntStream.range(0, NODES).mapToObj(i -> Member.parse("127.0.0.1:" + ports[i])).toList();
            for (int i = 0; i < NODES; i++) {
                procs.add(launch(i));
            }
            int leader = awaitLeader(all());
            Map<ChannelId, ChannelState> initial = open(leader);
            String channels = CHANNELS.stream().map(String::valueOf).collect(Collectors.joining(","));
            procs.forEach(p -> p.ask("RUN " + channels));
            awaitAccepted(all(), 30);

            // kill -9 the leader under load, restart it from its data dir
            procs.get(leader).process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            faults++;
            List<Integer> others = without(leader);
            awaitLeader(others);
            awaitAccepted(others, 30);
            procs.set(leader, launch(leader));
            procs.get(leader).ask("RUN " + channels);
            awaitAccepted(all(), 20);

            // SIGSTOP a follower, then the leader; SIGCONT each
            for (boolean pauseLeader : new boolean[] {false, true}) {
                int current = awaitLeader(all());
                int paused = pauseLeader ? current : without(current).get(0);
                signal("STOP", paused);
                faults++;
                List<Integer> alive = without(paused);
                awaitLeader(alive);
                awaitAccepted(alive, 30);
                signal("CONT", paused);
                awaitAccepted(all(), 20);
            }

            procs.forEach(p -> p.ask("STOP"));
            List<StateDigest> digests = awaitConvergence();
            List<Map<ChannelId, ChannelState>> finals = new ArrayList<>();
            for (Proc p : procs) {
                Map<ChannelId, ChannelState> states = new HashMap<>();
                for (long id : CHANNELS) {
                    String[] f = p.ask("STATE " + id).split(" ");
                    ChannelId channel = ChannelId.of(id);
                    states.put(channel, ProcessHistory.state(initial.get(channel), new BigInteger(f[1]),
                            Long.parseLong(f[2])));
                }
                finals.add(states);
            }
            procs.forEach(p -> p.ask("QUIT"));
            for (Proc p : procs) {
                p.process().waitFor(20, TimeUnit.SECONDS);
            }

            History history = ProcessHistory.read(histories, initial);
            long checkStarted = System.nanoTime();
            HistoryChecker.Verdict exact = HistoryChecker.check(history, finals, digests, initial);
            LinearizabilityChecker.Result linearizable = LinearizabilityChecker.forGroup(group).check(history, initial);
            Verification.Report report = new Verification.Report(exact, linearizable, digests.get(0),
                    (System.nanoTime() - checkStarted) / 1_000_000);
            Map<History.Outcome, Long> claims = history.outcomes(History.Kind.CLAIM);
            Map<History.Outcome, Long> reads = history.outcomes(History.Kind.READ);
            SuiteTable.add(new SuiteTable.Row("process-level: kill -9, SIGSTOP/SIGCONT", NODES, SEED,
                    (System.nanoTime() - started) / 1_000_000, history.size(), claims.get(History.Outcome.ACCEPTED),
                    claims.get(History.Outcome.REJECTED), claims.get(History.Outcome.INDETERMINATE)
                            + claims.get(History.Outcome.PENDING), claims.get(History.Outcome.FAILED),
                    reads.get(History.Outcome.READ), faults, 0, 0, report));

            assertThat(report.ok()).as(report.describe()).isTrue();
            assertThat(claims.get(History.Outcome.ACCEPTED)).isPositive();
            assertThat(digests).allMatch(d -> d.sameStateAs(digests.get(0)));
        } finally {
            for (Proc p : procs) {
                p.process().destroyForcibly();
            }
            for (Proc p : procs) {
                p.process().waitFor(10, TimeUnit.SECONDS);
            }
            deleteRecursively(root);
        }
    }

    private Proc launch(int i) throws IOException, InterruptedException {
        Path data = Files.createDirectories(root.resolve("node-" + i));
        Path tmp = Files.createDirectories(root.resolve("tmp-" + i));
        Path history = root.resolve("history-" + i + "-" + histories.size() + ".log");
        histories.add(history);
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.io.tmpdir=" + tmp,
                "-cp", System.getProperty("java.class.path"), ReplicaProcess.class.getName(),
                StoreProperties.SELF + "=" + members.get(i),
                StoreProperties.MEMBERS + "=" + members.stream().map(Member::toString).collect(Collectors.joining(",")),
                StoreProperties.DATA_DIR + "=" + data, StoreProperties.GROUP_ID + "=" + group,
                ReplicaProcess.HISTORY + "=" + history,
                ReplicaProcess.SEED + "=" + (SEED + i * 101L + histories.size()));
        Process process = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.appendTo(root.resolve("node-" + i + ".log").toFile()))
                .start();
        BlockingQueue<String> replies = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith("@@ ")) {
                        replies.add(line.substring(3));
                    }
                }
            } catch (IOException e) {
                // the process is gone
            }
            replies.add("EXIT");
        }, "process-suite-reader-" + i);
        reader.setDaemon(true);
        reader.start();
        Proc proc = new Proc(i, process, new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8),
                replies);
        String ready = replies.poll(60, TimeUnit.SECONDS);
        if (!"READY".equals(ready)) {
            process.destroyForcibly();
            throw new IllegalStateException("node process " + i + " did not start: " + ready + "; log:\n"
                    + tail(root.resolve("node-" + i + ".log")));
        }
        return proc;
    }

    private Map<ChannelId, ChannelState> open(int via) {
        String ids = CHANNELS.stream().map(String::valueOf).collect(Collectors.joining(","));
        String[] opened = procs.get(via).ask("OPEN " + ids + " " + DEPOSIT).substring("OPENED ".length()).split(",");
        Map<ChannelId, ChannelState> initial = new HashMap<>();
        for (String entry : opened) {
            String[] f = entry.split(":");
            long id = Long.parseLong(f[0]);
            initial.put(ChannelId.of(id), ChannelState.fromChain(TestChannels.opened(group, id, DEPOSIT),
                    Long.parseLong(f[1])));
        }
        return initial;
    }

    private List<Integer> all() {
        return IntStream.range(0, NODES).boxed().toList();
    }

    private List<Integer> without(int node) {
        return all().stream().filter(i -> i != node).toList();
    }

    /** The node among {@code among} that leads; bounded polling. */
    private int awaitLeader(List<Integer> among) {
        int[] leader = {-1};
        Await.until(PROGRESS_TIMEOUT, () -> "a leader among node processes " + among, () -> {
            for (int i : among) {
                if (procs.get(i).ask("STATUS").startsWith("STATUS 1")) {
                    leader[0] = i;
                    return true;
                }
            }
            return false;
        });
        return leader[0];
    }

    private long accepted(List<Integer> among) {
        return among.stream().mapToLong(i -> Long.parseLong(procs.get(i).ask("ACCEPTED").split(" ")[1])).sum();
    }

    private void awaitAccepted(List<Integer> among, long more) {
        long target = accepted(among) + more;
        Await.until(PROGRESS_TIMEOUT, () -> target + " claims accepted by node processes " + among,
                () -> accepted(among) >= target);
    }

    private List<StateDigest> awaitConvergence() {
        List<StateDigest> digests = new ArrayList<>();
        Await.until(PROGRESS_TIMEOUT, () -> "equal digests on every node process: " + digests, () -> {
            digests.clear();
            for (Proc p : procs) {
                String reply;
                try {
                    reply = p.ask("DIGEST");
                } catch (IllegalStateException notYet) {
                    return false; // the read barrier failed: no leader yet
                }
                String[] f = reply.split(" ");
                digests.add(new StateDigest(Long.parseLong(f[1]), Integer.parseInt(f[2]), HexFormat.of().parseHex(f[3])));
            }
            return digests.stream().allMatch(d -> d.sameStateAs(digests.get(0)));
        });
        return List.copyOf(digests);
    }

    private void signal(String signal, int node) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(procs.get(node).process().pid()))
                .inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -" + signal).isTrue();
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
