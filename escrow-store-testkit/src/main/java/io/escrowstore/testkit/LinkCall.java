package io.escrowstore.testkit;

import com.alipay.sofa.jraft.error.InvokeTimeoutException;
import com.alipay.sofa.jraft.rpc.InvokeCallback;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One asynchronous call travelling through faulty links. Its callback runs exactly once: with the
 * response, with the transport's error, or with an {@link InvokeTimeoutException} at the call's
 * deadline when the request or the response was lost.
 */
final class LinkCall {
    private static final Logger LOG = LoggerFactory.getLogger(LinkCall.class);

    private final InvokeCallback callback;
    private final long deadlineNanos;
    private final Runnable onFinish;
    private final AtomicBoolean finished = new AtomicBoolean();

    LinkCall(InvokeCallback callback, long timeoutMillis, Runnable onFinish) {
        this.callback = callback;
        this.deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, timeoutMillis));
        this.onFinish = onFinish;
    }

    long deadlineNanos() {
        return deadlineNanos;
    }

    long remainingMillis() {
        return TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
    }

    Executor executor() {
        return callback.executor();
    }

    /** Completes on the current thread (which must already be the callback's executor, if any). */
    void completeHere(Object result, Throwable error) {
        if (finished.compareAndSet(false, true)) {
            onFinish.run();
            run(result, error);
        }
    }

    /** Completes on the callback's executor (on this thread if it has none or refuses). */
    void complete(Object result, Throwable error) {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        onFinish.run();
        Executor executor = callback.executor();
        if (executor == null) {
            run(result, error);
            return;
        }
        try {
            executor.execute(() -> run(result, error));
        } catch (RejectedExecutionException e) {
            run(result, error);
        }
    }

    /** Fails the call with a timeout at its deadline: what a lost message looks like to the sender. */
    void timeOutAtDeadline(String why) {
        LinkTimer.at(deadlineNanos, () -> complete(null, new InvokeTimeoutException("fault injection: " + why)));
    }

    /** Marks the call finished without running the callback (the caller got an exception instead). */
    void abandon() {
        if (finished.compareAndSet(false, true)) {
            onFinish.run();
        }
    }

    private void run(Object result, Throwable error) {
        try {
            callback.complete(result, error);
        } catch (RuntimeException e) {
            LOG.warn("RPC callback failed", e);
        }
    }
}
