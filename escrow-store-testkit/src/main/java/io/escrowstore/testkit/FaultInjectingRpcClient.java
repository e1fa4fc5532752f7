package io.escrowstore.testkit;

import com.alipay.sofa.jraft.ReplicatorGroup;
import com.alipay.sofa.jraft.error.InvokeTimeoutException;
import com.alipay.sofa.jraft.error.RemotingException;
import com.alipay.sofa.jraft.option.RpcOptions;
import com.alipay.sofa.jraft.rpc.InvokeCallback;
import com.alipay.sofa.jraft.rpc.InvokeContext;
import com.alipay.sofa.jraft.rpc.RpcClient;
import com.alipay.sofa.jraft.util.Endpoint;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An RPC client that sends through the link table of its cluster. The request travels the link
 * sender → receiver, the response receiver → sender; either may be lost or delayed.
 *
 * <ul>
 *   <li>The sender is the node that owns the client ({@link ClientOwner}, captured at creation),
 *       else the {@code server_id} the request names; a call with neither, or to an endpoint of no
 *       registered cluster, passes straight through (and is counted as unattributed).</li>
 *   <li>Asynchronous calls: a lost request or response completes the callback with an
 *       {@link InvokeTimeoutException} at the call's deadline, as a blackholed packet would; a
 *       delayed message is handed on by {@link LinkTimer}, never by sleeping on the caller's
 *       thread. The callback runs exactly once, on its own executor.</li>
 *   <li>Synchronous calls (jraft's connection ping): a lost request or response throws
 *       {@link RemotingException} at once, like a refused connection; a delayed one blocks the
 *       caller (it asked to wait) until the response or its timeout.</li>
 *   <li>{@link #shutdown()} completes every call still held by the links with an error.</li>
 * </ul>
 */
final class FaultInjectingRpcClient implements RpcClient {
    private final RpcClient delegate;
    private final Endpoint owner;
    private final Set<LinkCall> held = ConcurrentHashMap.newKeySet();

    FaultInjectingRpcClient(RpcClient delegate, Endpoint owner) {
        this.delegate = delegate;
        this.owner = owner;
    }

    /** The node this client sends for, or null if it was created outside {@link ClientOwner#runAs}. */
    Endpoint owner() {
        return owner;
    }

    @Override
    public boolean init(RpcOptions options) {
        return delegate.init(options);
    }

    @Override
    public void shutdown() {
        delegate.shutdown();
        for (LinkCall call : held) {
            call.complete(null, new RemotingException("fault injection: client shut down with the call in flight"));
        }
    }

    @Override
    public boolean checkConnection(Endpoint endpoint) {
        return delegate.checkConnection(endpoint);
    }

    @Override
    public boolean checkConnection(Endpoint endpoint, boolean createIfAbsent) {
        return delegate.checkConnection(endpoint, createIfAbsent);
    }

    @Override
    public void closeConnection(Endpoint endpoint) {
        delegate.closeConnection(endpoint);
    }

    @Override
    public void registerConnectEventListener(ReplicatorGroup replicatorGroup) {
        delegate.registerConnectEventListener(replicatorGroup);
    }

    @Override
    public void invokeAsync(Endpoint endpoint, Object request, InvokeContext ctx, InvokeCallback callback,
            long timeoutMs) throws InterruptedException, RemotingException {
        Route route = route(endpoint, request);
        if (route == null) {
            delegate.invokeAsync(endpoint, request, ctx, callback, timeoutMs);
            return;
        }
        LinkCall call = hold(callback, timeoutMs);
        LinkTable.Fate fate = route.table.send(route.from, route.to);
        if (fate.lost()) {
            call.timeOutAtDeadline("request " + name(request) + " to " + endpoint + " lost");
        } else if (fate.immediate()) {
            sendOnCallerThread(route, endpoint, request, ctx, call, false);
        } else {
            LinkTimer.at(fate.atNanos(), () -> sendFromTimer(route, endpoint, request, ctx, call, false));
        }
    }

    @Override
    public Object invokeSync(Endpoint endpoint, Object request, InvokeContext ctx, long timeoutMs)
            throws InterruptedException, RemotingException {
        Route route = route(endpoint, request);
        if (route == null) {
            return delegate.invokeSync(endpoint, request, ctx, timeoutMs);
        }
        LinkTable.Fate fate = route.table.send(route.from, route.to);
        if (fate.lost()) {
            throw new RemotingException("fault injection: request " + name(request) + " to " + endpoint + " lost");
        }
        CompletableFuture<Object> response = new CompletableFuture<>();
        LinkCall call = hold(new InvokeCallback() {
            @Override
            public void complete(Object result, Throwable error) {
                if (error == null) {
                    response.complete(result);
                } else {
                    response.completeExceptionally(error);
                }
            }
        }, timeoutMs);
        if (fate.immediate()) {
            sendOnCallerThread(route, endpoint, request, ctx, call, true);
        } else {
            LinkTimer.at(fate.atNanos(), () -> sendFromTimer(route, endpoint, request, ctx, call, true));
        }
        try {
            // the call completes by its deadline (LinkCall's timer); the margin only guards against a bug
            return response.get(timeoutMs + 5_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RemotingException remoting ? remoting
                    : new RemotingException("call to " + endpoint + " failed", e.getCause());
        } catch (TimeoutException e) {
            call.abandon();
            throw new InvokeTimeoutException("no answer from " + endpoint + " within " + timeoutMs + " ms");
        }
    }

    private LinkCall hold(InvokeCallback callback, long timeoutMs) {
        LinkCall[] self = new LinkCall[1];
        self[0] = new LinkCall(callback, timeoutMs, () -> held.remove(self[0]));
        held.add(self[0]);
        return self[0];
    }

    private void sendOnCallerThread(Route route, Endpoint endpoint, Object request, InvokeContext ctx, LinkCall call,
            boolean failFast) throws InterruptedException, RemotingException {
        try {
            delegate.invokeAsync(endpoint, request, ctx, responseCallback(route, endpoint, request, call, failFast),
                    Math.max(1, call.remainingMillis()));
        } catch (InterruptedException | RemotingException | RuntimeException e) {
            call.abandon();
            throw e;
        }
    }

    private void sendFromTimer(Route route, Endpoint endpoint, Object request, InvokeContext ctx, LinkCall call,
            boolean failFast) {
        long remaining = call.remainingMillis();
        if (remaining <= 0) {
            call.complete(null, new InvokeTimeoutException("fault injection: request " + name(request) + " to "
                    + endpoint + " delayed past its deadline"));
            return;
        }
        try {
            delegate.invokeAsync(endpoint, request, ctx, responseCallback(route, endpoint, request, call, failFast),
                    remaining);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            call.complete(null, new RemotingException("interrupted while sending to " + endpoint, e));
        } catch (RemotingException | RuntimeException e) {
            call.complete(null, e);
        }
    }

    private InvokeCallback responseCallback(Route route, Endpoint endpoint, Object request, LinkCall call,
            boolean failFast) {
        return new InvokeCallback() {
            @Override
            public void complete(Object result, Throwable error) {
                if (error != null) {
                    call.completeHere(null, error);
                    return;
                }
                LinkTable.Fate fate = route.table.send(route.to, route.from);
                String what = "response to " + name(request) + " from " + endpoint;
                if (fate.lost()) {
                    if (failFast) {
                        call.completeHere(null, new RemotingException("fault injection: " + what + " lost"));
                    } else {
                        call.timeOutAtDeadline(what + " lost");
                    }
                } else if (fate.immediate()) {
                    call.completeHere(result, null);
                } else if (fate.atNanos() - call.deadlineNanos() > 0) {
                    call.timeOutAtDeadline(what + " delayed past the deadline");
                } else {
                    LinkTimer.at(fate.atNanos(), () -> call.complete(result, null));
                }
            }

            @Override
            public Executor executor() {
                return call.executor();
            }
        };
    }

    private Route route(Endpoint receiver, Object request) {
        LinkTable table = LinkRegistry.find(receiver);
        if (table == null) {
            return null;
        }
        Endpoint named = RequestSender.of(request);
        if (owner != null && named != null && !owner.equals(named)) {
            table.misattributed.increment();
        }
        Endpoint sender = owner != null ? owner : named;
        int from = sender == null ? -1 : table.indexOf(sender);
        int to = table.indexOf(receiver);
        if (from < 0 || from == to) {
            table.unattributed.increment();
            return null;
        }
        table.attributed.increment();
        return new Route(table, from, to);
    }

    private static String name(Object request) {
        return request == null ? "null" : request.getClass().getSimpleName();
    }

    private record Route(LinkTable table, int from, int to) {
    }
}
