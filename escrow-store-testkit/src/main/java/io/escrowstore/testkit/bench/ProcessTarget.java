package io.escrowstore.testkit.bench;

import io.escrowstore.GroupId;
import io.escrowstore.raft.RaftStoreConfig;
import io.escrowstore.raft.internal.engine.StoreProperties;
import io.escrowstore.testkit.TestChannels;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One {@link BenchWorker} process per node, on free loopback ports; each embeds its node and runs
 * the clients i with i mod n = its index, on channels s with s mod n = its index (so clients of
 * different processes never share a channel); a replay goes to the worker's own node, the only one
 * it can call. Worker logs: {@code <data-root>.worker-<i>.log}.
 */
final class ProcessTarget implements Target {
    private static final Duration REPLY_TIMEOUT = Duration.ofMinutes(30);
    private final List<Worker> workers = new ArrayList<>();

    private record Worker(Process process, PrintStream in, BlockingQueue<String> replies) {
        String ask(String command) throws InterruptedException {
            in.println(command);
            in.flush();
            String reply = replies.poll(REPLY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (reply == null || reply.startsWith("ERROR") || reply.startsWith("EXIT")) {
                throw new IllegalStateException("worker " + process.pid() + " answered " + command.split(" ")[0]
                        + " with " + reply);
            }
            return reply;
        }
    }

    private ProcessTarget() {
    }

    static ProcessTarget start(BenchCluster.NodeSettings s, String jvmArgs) throws IOException, InterruptedException {
        GroupId group = TestChannels.randomGroupId();
        List<RaftStoreConfig> configs = BenchCluster.configs(s, group, "escrow-bench-" + ProcessHandle.current().pid());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessTarget target = new ProcessTarget();
        try {
            for (int i = 0; i < configs.size(); i++) {
                RaftStoreConfig c = configs.get(i);
                List<String> cmd = new ArrayList<>();
                cmd.add(java);
                Arrays.stream(jvmArgs.trim().split("\\s+")).filter(a -> !a.isEmpty()).forEach(cmd::add);
                cmd.add("-cp");
                cmd.add(System.getProperty("java.class.path"));
                cmd.add(BenchWorker.class.getName());
                cmd.add(BenchWorker.INDEX + "=" + i);
                cmd.add(StoreProperties.SELF + "=" + c.self());
                cmd.add(StoreProperties.MEMBERS + "=" + String.join(",", c.members().stream().map(Object::toString).toList()));
                cmd.add(StoreProperties.DATA_DIR + "=" + c.dataDir());
                cmd.add(StoreProperties.GROUP_ID + "=" + group);
                cmd.add(StoreProperties.RAFT_GROUP + "=" + c.raftGroup());
                cmd.add(StoreProperties.ELECTION_TIMEOUT + "=" + c.electionTimeout());
                cmd.add(StoreProperties.MAX_ELECTION_DELAY + "=" + c.maxElectionDelay());
                cmd.add(StoreProperties.REQUEST_TIMEOUT + "=" + c.requestTimeout());
                cmd.add(StoreProperties.SNAPSHOT_INTERVAL + "=" + c.snapshotInterval());
                cmd.add(StoreProperties.UNSAFE_PLAINTEXT + "=true");
                cmd.add(BenchWorker.ENGINE_FLOOR + "=" + s.engineFloor());
                Path log = Path.of(s.dataRoot() + ".worker-" + i + ".log");
                Process p = new ProcessBuilder(cmd)
                        .redirectError(ProcessBuilder.Redirect.to(log.toFile()))
                        .start();
                BlockingQueue<String> replies = new LinkedBlockingQueue<>();
                Thread reader = new Thread(() -> {
                    try (BufferedReader r = new BufferedReader(
                            new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                        for (String line; (line = r.readLine()) != null; ) {
                            if (line.startsWith("@@ ")) {
                                replies.add(line.substring(3));
                            }
                        }
                    } catch (IOException e) {
                        // process gone
                    }
                    replies.add("EXIT worker ended; see " + log);
                }, "bench-worker-reader-" + i);
                reader.setDaemon(true);
                reader.start();
                Worker w = new Worker(p, new PrintStream(p.getOutputStream(), true, StandardCharsets.UTF_8), replies);
                target.workers.add(w);
            }
            for (Worker w : target.workers) {
                String ready = w.replies.poll(120, TimeUnit.SECONDS);
                if (!"READY".equals(ready)) {
                    throw new IllegalStateException("worker " + w.process.pid() + " did not start: " + ready);
                }
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            target.close();
            throw e;
        }
        return target;
    }

    @Override
    public int size() {
        return workers.size();
    }

    @Override
    public Leadership awaitLeader(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Leadership l = leadership();
            if (l.leader() >= 0 && l.term() > 0) {
                return l;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no leader within " + timeout);
            }
            Thread.sleep(50);
        }
    }

    @Override
    public Leadership leadership() throws InterruptedException {
        int leader = -1;
        long term = 0;
        for (int i = 0; i < workers.size(); i++) {
            String[] f = workers.get(i).ask("STATUS").split(" ");
            if (f[1].equals("1")) {
                leader = i;
            }
            term = Math.max(term, Long.parseLong(f[2]));
        }
        return new Leadership(leader, term);
    }

    private Worker leaderWorker() throws InterruptedException {
        return workers.get(Math.max(0, leadership().leader()));
    }

    @Override
    public double[] preload(int channels, int window) throws InterruptedException {
        double seconds = Double.parseDouble(leaderWorker().ask("PRELOAD " + channels + " " + window).split(" ")[1]);
        double heap = 0;
        for (Worker w : workers) {
            heap += Double.parseDouble(w.ask("SETTLE " + channels).split(" ")[1]);
        }
        return new double[] {seconds, heap};
    }

    @Override
    public Load.Output run(Load.Spec spec) throws InterruptedException {
        long startAt = System.currentTimeMillis() + 1000;
        String command = String.join(" ", "RUN", Integer.toString(spec.clients()), Integer.toString(spec.channels()),
                Long.toString(spec.price()), Double.toString(spec.replayFraction()), Long.toString(spec.seed()),
                spec.runTag(), Long.toString(spec.warmup().toMillis()), Long.toString(spec.duration().toMillis()),
                Long.toString(startAt), Long.toString(spec.coldWindow().toMillis()));
        for (Worker w : workers) {
            w.in.println(command);
            w.in.flush();
        }
        ClientStats stats = new ClientStats();
        Resources.Used used = null;
        for (Worker w : workers) {
            String reply = w.replies.poll(REPLY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (reply == null || !reply.startsWith("RESULT ")) {
                throw new IllegalStateException("worker " + w.process.pid() + " answered RUN with " + reply);
            }
            String[] parts = reply.substring("RESULT ".length()).split(" \\| ");
            stats.add(ClientStats.decode(parts[0]));
            Resources.Used u = Resources.Used.decode(parts[1]);
            used = used == null ? u : used.plus(u);
        }
        return new Load.Output(stats, used);
    }

    @Override
    public long claimsInStore(int channels, long price) throws InterruptedException {
        return Long.parseLong(leaderWorker().ask("AUDIT " + channels + " " + price).split(" ")[1]);
    }

    @Override
    public String replayTarget() {
        return "same-node (worker process)";
    }

    @Override
    public void close() {
        for (Worker w : workers) {
            w.in.println("QUIT");
            w.in.flush();
        }
        for (Worker w : workers) {
            try {
                if (!w.process.waitFor(20, TimeUnit.SECONDS)) {
                    w.process.destroy();
                    if (!w.process.waitFor(10, TimeUnit.SECONDS)) {
                        w.process.destroyForcibly();
                    }
                }
            } catch (InterruptedException e) {
                w.process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
