package io.escrowstore.testkit;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A store node's callback executor ({@code RaftStoreConfig.Builder.callbackExecutor}) that a test
 * can slow down or stall, to widen every race between a call's deadline and the work the store
 * hands to its executor (retry attempts, forwarded answers, result completion):
 * <ul>
 *   <li>{@link #slow(Duration)}: every task starts after a uniform random delay up to the bound
 *       (seeded); tasks may then run out of submission order, as on any pool;</li>
 *   <li>{@link #stall()} … {@link #resume()}: no task starts; the tasks handed over meanwhile are
 *       held and start, in submission order, on resume (a callback pool whose threads are all
 *       busy);</li>
 *   <li>{@link #stallStateMachine()} … {@link #resumeStateMachine()}: the node's state-machine
 *       thread (jraft's {@code JRaft-FSMCaller-Disruptor-} thread, the only caller of this executor
 *       with that name) is held when it next hands work over, so the node applies nothing more:
 *       committed entries queue up, their callers' answers and the reads waiting for them wait.
 *       The hold ends on resume or after {@link #MAX_STATE_MACHINE_STALL} at the latest.</li>
 * </ul>
 * The state machine hands work to the executor after applying each entry proposed on this node
 * (the leader) and when a read waits for an index, so a stall takes hold on a leader under load;
 * {@link #stateMachineHolds()} counts the times it did, so a test can assert the fault happened.
 * Tasks run on two daemon threads of its own; {@link #close()} stops them. One executor per node:
 * a node keeps it across restarts, so close it after the cluster.
 */
public final class StallableExecutor implements Executor, AutoCloseable {
    /** Longest a state-machine stall holds the thread, whatever the test does. */
    public static final Duration MAX_STATE_MACHINE_STALL = Duration.ofSeconds(10);
    private static final String STATE_MACHINE_THREAD = "JRaft-FSMCaller-Disruptor-";
    private static final AtomicInteger EXECUTORS = new AtomicInteger();

    private final ScheduledThreadPoolExecutor pool;
    private final Random random;
    private final Queue<Runnable> held = new ArrayDeque<>();
    private final AtomicLong tasksHeld = new AtomicLong();
    private final AtomicLong stateMachineHolds = new AtomicLong();
    private final Object stateMachineGate = new Object();
    private long slowNanos;
    private boolean stalled;
    private boolean stateMachineStalled;

    /** A healthy executor; {@code seed} drives the delays of {@link #slow}. */
    public StallableExecutor(String name, long seed) {
        int id = EXECUTORS.incrementAndGet();
        AtomicInteger threads = new AtomicInteger();
        this.pool = new ScheduledThreadPoolExecutor(2, task -> {
            Thread thread = new Thread(task,
                    "escrow-testkit-callback-" + name + "-" + id + "-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.random = new Random(seed);
    }

    @Override
    public void execute(Runnable task) {
        if (Thread.currentThread().getName().startsWith(STATE_MACHINE_THREAD)) {
            holdStateMachine();
        }
        synchronized (this) {
            if (pool.isShutdown()) {
                throw new RejectedExecutionException("executor closed");
            }
            if (stalled) {
                held.add(task);
                tasksHeld.incrementAndGet();
            } else {
                dispatch(task);
            }
        }
    }

    private void dispatch(Runnable task) {
        long delay = slowNanos == 0 ? 0 : (long) (random.nextDouble() * slowNanos);
        pool.schedule(task, delay, TimeUnit.NANOSECONDS);
    }

    private void holdStateMachine() {
        long until = System.nanoTime() + MAX_STATE_MACHINE_STALL.toNanos();
        synchronized (stateMachineGate) {
            if (stateMachineStalled) {
                stateMachineHolds.incrementAndGet();
            }
            while (stateMachineStalled && until - System.nanoTime() > 0) {
                try {
                    stateMachineGate.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime())));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Every task from now on starts after a random delay up to {@code bound}; zero for none. */
    public synchronized void slow(Duration bound) {
        slowNanos = bound.toNanos();
    }

    /** No task starts until {@link #resume()}. */
    public synchronized void stall() {
        stalled = true;
    }

    /** Ends a {@link #stall()}: the held tasks start, in the order they were handed over. */
    public synchronized void resume() {
        stalled = false;
        while (!held.isEmpty()) {
            dispatch(held.poll());
        }
    }

    /** Holds the node's state-machine thread the next time it hands work over, until {@link #resumeStateMachine()}. */
    public void stallStateMachine() {
        synchronized (stateMachineGate) {
            stateMachineStalled = true;
        }
    }

    /** Lets the state-machine thread go on. */
    public void resumeStateMachine() {
        synchronized (stateMachineGate) {
            stateMachineStalled = false;
            stateMachineGate.notifyAll();
        }
    }

    /** Tasks held by {@link #stall()} so far. */
    public long tasksHeld() {
        return tasksHeld.get();
    }

    /** Times the state-machine thread was held by {@link #stallStateMachine()} so far. */
    public long stateMachineHolds() {
        return stateMachineHolds.get();
    }

    /** Releases every stall and stops the threads; tasks not yet started are dropped. */
    @Override
    public void close() {
        resumeStateMachine();
        synchronized (this) {
            stalled = false;
            held.clear();
            pool.shutdownNow();
        }
    }
}
