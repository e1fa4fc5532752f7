package io.escrowstore.raft.internal.transport;

import com.alipay.remoting.AbstractRemotingProcessor;
import com.alipay.remoting.CommandHandler;
import com.alipay.remoting.ProcessorManager;
import com.alipay.remoting.Protocol;
import com.alipay.remoting.ProtocolCode;
import com.alipay.remoting.ProtocolManager;
import com.alipay.remoting.RemotingProcessor;
import com.alipay.remoting.rpc.protocol.RpcCommandCode;
import com.alipay.remoting.rpc.protocol.RpcCommandHandler;
import com.alipay.remoting.rpc.protocol.RpcProtocol;
import com.alipay.remoting.rpc.protocol.RpcProtocolV2;
import java.lang.reflect.Field;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes bolt match each RPC response to its caller on the I/O thread that read it. By default bolt
 * hands every response to its default pool (20 core threads) only to look up the waiting future
 * there and hand the callback on again, to the callback's own executor (jraft's RPC callback pool
 * or the store's callback executor): two thread wake-ups per response where one does. The lookup
 * never blocks, and the callback still runs on its own executor; only a callback that names no
 * executor runs on the I/O thread (neither jraft's nor the store's do).
 *
 * <p>Bolt's protocol handlers are process-wide singletons, so this applies to every bolt client in
 * the JVM; it is applied once and only changes where responses are matched. It reaches bolt's
 * response processor by reflection: if a bolt version lays it out differently, nothing changes and
 * one line is logged at INFO.
 */
public final class BoltResponses {
    private static final Logger LOG = LoggerFactory.getLogger(BoltResponses.class);
    private static final ExecutorService CALLING_THREAD = new CallingThread();
    private static volatile boolean applied;

    private BoltResponses() {
    }

    /** Matches responses on the I/O thread from now on (every bolt client of this JVM). */
    public static synchronized void matchOnIoThread() {
        if (applied) {
            return;
        }
        try {
            for (byte code : new byte[] {RpcProtocol.PROTOCOL_CODE, RpcProtocolV2.PROTOCOL_CODE}) {
                responseProcessor(code).setExecutor(CALLING_THREAD);
            }
            applied = true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.info("bolt responses stay on bolt's default pool (its response processor was not found: {})",
                    e.toString());
        }
    }

    /** True if responses of protocol {@code code} are matched on the I/O thread. */
    static boolean onIoThread(byte code) throws ReflectiveOperationException {
        return responseProcessor(code).getExecutor() == CALLING_THREAD;
    }

    private static AbstractRemotingProcessor<?> responseProcessor(byte code) throws ReflectiveOperationException {
        // bolt registers its protocols when its remoting class initialises
        Class.forName("com.alipay.remoting.rpc.RpcRemoting", true, BoltResponses.class.getClassLoader());
        Protocol protocol = ProtocolManager.getProtocol(ProtocolCode.fromBytes(code));
        if (protocol == null) {
            throw new IllegalStateException("bolt protocol " + code + " is not registered");
        }
        CommandHandler handler = protocol.getCommandHandler();
        Field managerField = RpcCommandHandler.class.getDeclaredField("processorManager");
        managerField.setAccessible(true);
        ProcessorManager manager = (ProcessorManager) managerField.get(handler);
        RemotingProcessor<?> processor = manager.getProcessor(RpcCommandCode.RPC_RESPONSE);
        if (!(processor instanceof AbstractRemotingProcessor<?> response)) {
            throw new IllegalStateException("bolt's response processor is a " + processor);
        }
        return response;
    }

    /** Runs each task at once on the thread that submits it. */
    private static final class CallingThread extends AbstractExecutorService {
        @Override
        public void execute(Runnable command) {
            command.run();
        }

        @Override
        public void shutdown() {
        }

        @Override
        public List<Runnable> shutdownNow() {
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return false;
        }
    }
}
