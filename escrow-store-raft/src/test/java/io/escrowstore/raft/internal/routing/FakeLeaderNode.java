package io.escrowstore.raft.internal.routing;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.closure.ReadIndexClosure;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.entity.Task;
import io.escrowstore.raft.internal.replication.PaymentStateMachineTest.Entry;
import io.escrowstore.raft.internal.replication.PaymentStateMachineTest.ListIterator;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import io.escrowstore.raft.internal.replication.PaymentStateMachine;

/**
 * A jraft {@link Node} that records the tasks proposed to it instead of replicating them, and names
 * a leader; any other call fails. {@link #commit} hands a recorded task to a state machine as jraft
 * would once it is committed.
 */
public final class FakeLeaderNode {
    public final List<Task> tasks = new ArrayList<>();
    /** The read-index requests made of it, in order; {@link #confirmRead} answers one. */
    public final List<ReadIndexClosure> reads = new ArrayList<>();
    /** When set, {@code readIndex} throws as jraft's does on a node that is shutting down. */
    public boolean shuttingDown;
    public final Node node = (Node) Proxy.newProxyInstance(Node.class.getClassLoader(), new Class<?>[] {Node.class},
            (proxy, method, args) -> invoke(proxy, method, args));
    private final PeerId leader;

    /** @param leader the leader this node knows of, or null */
    public FakeLeaderNode(PeerId leader) {
        this.leader = leader;
    }

    private Object invoke(Object proxy, Method method, Object[] args) {
        return switch (method.getName()) {
            case "apply" -> {
                tasks.add((Task) args[0]);
                yield null;
            }
            case "getLeaderId" -> leader;
            case "readIndex" -> {
                if (shuttingDown) {
                    throw new IllegalStateException("Node is shutting down");
                }
                reads.add((ReadIndexClosure) args[1]);
                yield null;
            }
            case "toString" -> "FakeLeaderNode";
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            default -> throw new UnsupportedOperationException("FakeLeaderNode." + method.getName());
        };
    }

    /** Answers read-index request {@code read} as jraft does once a majority confirmed {@code index}. */
    public void confirmRead(int read, long index) {
        reads.get(read).setResult(index, new byte[0]);
        reads.get(read).run(Status.OK());
    }

    /** Applies recorded task {@code task} on {@code fsm} at log index {@code index}, running its closure. */
    public void commit(int task, PaymentStateMachine fsm, long index) {
        Task proposed = tasks.get(task);
        fsm.onApply(new ListIterator(index, List.of(new Entry(proposed.getData(), proposed.getDone()))));
    }
}
