package io.escrowstore.testkit.bench;

import io.escrowstore.ChannelId;
import io.escrowstore.StoreStatus;
import io.escrowstore.raft.RaftPaymentStore;
import io.escrowstore.raft.RaftStoreConfig;
import io.escrowstore.raft.internal.engine.StoreProperties;
import io.escrowstore.raft.internal.testing.UnsafeSwitches;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One node of a {@code --cluster processes} run: a JVM that embeds one store node, as a service
 * replica would, and runs the clients assigned to it (client i runs in worker i mod n). Driven by
 * {@link ProcessTarget} through one-line commands on stdin; answers on stdout, prefixed with
 * {@code @@}. Settings come as {@code key=value} arguments: {@code index}, {@code engineFloor}
 * and the node's {@link StoreProperties}.
 */
public final class BenchWorker {
    static final String INDEX = "index";
    /** {@code true}: the node answers claims without applying them ({@link UnsafeSwitches#engineFloor()}). */
    static final String ENGINE_FLOOR = "engineFloor";
    private final int index;
    private final int size;
    private final RaftPaymentStore node;
    private final PrintStream out;

    private BenchWorker(Map<String, String> a, PrintStream out) {
        this.out = out;
        this.index = Integer.parseInt(a.remove(INDEX));
        boolean engineFloor = Boolean.parseBoolean(a.remove(ENGINE_FLOOR));
        RaftStoreConfig config = UnsafeSwitches.on(StoreProperties.config(a).toBuilder(),
                engineFloor ? UnsafeSwitches.NONE.withEngineFloor() : UnsafeSwitches.NONE).build();
        this.size = config.members().size();
        this.node = RaftPaymentStore.open(config);
    }

    /**
     * Runs one benchmark node in this process until its parent ends it.
     *
     * @param args what the parent benchmark passes
     * @throws Exception if the node cannot start
     */
    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        // nothing but protocol lines on stdout: anything else the JVM or a library prints goes to stderr
        System.setOut(System.err);
        Map<String, String> a = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            a.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        BenchWorker worker = new BenchWorker(a, out);
        try {
            worker.reply("READY");
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                if (!worker.handle(line.trim().split(" "))) {
                    break;
                }
            }
        } finally {
            worker.node.close();
        }
        System.exit(0);
    }

    private void reply(String line) {
        out.println("@@ " + line);
        out.flush();
    }

    private boolean handle(String[] c) throws Exception {
        try {
            switch (c[0]) {
                case "STATUS" -> {
                    StoreStatus s = node.status();
                    reply("STATUS " + (s.isLeader() ? 1 : 0) + " " + s.term());
                }
                case "PRELOAD" -> reply("PRELOADED " + Load.preload(node, node.config().groupId(),
                        Integer.parseInt(c[1]), Integer.parseInt(c[2])));
                case "SETTLE" -> {
                    node.channel(ChannelId.of(Load.FIRST_CHANNEL + Integer.parseInt(c[1]) - 1));
                    reply("SETTLED " + Load.heapAfterGcMb());
                }
                case "RUN" -> reply("RESULT " + run(c));
                case "AUDIT" -> reply("AUDITED " + Load.claimsInStore(node, Integer.parseInt(c[1]), Long.parseLong(c[2])));
                case "QUIT" -> {
                    reply("BYE");
                    return false;
                }
                default -> reply("ERROR unknown command " + c[0]);
            }
        } catch (RuntimeException e) {
            reply("ERROR " + e.toString().replace('\n', ' '));
        }
        return true;
    }

    /** RUN clients channels price replayFraction seed runTag warmupMs durationMs startEpochMillis coldWindowMs */
    private String run(String[] c) throws InterruptedException {
        int clients = Integer.parseInt(c[1]);
        int channels = Integer.parseInt(c[2]);
        long price = Long.parseLong(c[3]);
        double replayFraction = Double.parseDouble(c[4]);
        long seed = Long.parseLong(c[5]);
        String runTag = c[6] + "w" + index;
        long warmupNanos = Long.parseLong(c[7]) * 1_000_000;
        long durationNanos = Long.parseLong(c[8]) * 1_000_000;
        long start = System.nanoTime() + (Long.parseLong(c[9]) - System.currentTimeMillis()) * 1_000_000;
        long measureFrom = start + warmupNanos;
        long end = measureFrom + durationNanos;
        Window measured = new Window(measureFrom, end);
        Window cold = Window.cold(start, measureFrom, Long.parseLong(c[10]) * 1_000_000);
        ChannelBook book = new ChannelBook(Load.FIRST_CHANNEL, channels);
        List<ClaimClient> mine = new ArrayList<>();
        for (int i = index; i < clients; i += size) {
            mine.add(new ClaimClient(i, node, node, book, index, size, price, replayFraction, measured, cold, seed,
                    runTag));
        }
        Load.sleepUntil(start);
        Load.Output output = Load.run(mine, measureFrom, end, node.config().requestTimeout().plusSeconds(10));
        return output.stats().encode() + " | " + output.used().encode();
    }
}
