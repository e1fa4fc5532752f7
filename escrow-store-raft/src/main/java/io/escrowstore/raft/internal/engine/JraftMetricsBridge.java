package io.escrowstore.raft.internal.engine;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.MetricRegistryListener;
import com.codahale.metrics.Snapshot;
import com.codahale.metrics.Timer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToDoubleFunction;

/**
 * Mirrors jraft's dropwizard registry ({@code NodeOptions.enableMetrics}) into Micrometer, as it
 * changes: jraft registers replicator metrics as peers come and go. One Micrometer meter name per
 * dropwizard kind, with jraft's metric name as the {@code metric} tag, so names with peers and
 * group ids in them never become meter names. Values are read when scraped.
 */
public final class JraftMetricsBridge implements MetricRegistryListener, AutoCloseable {
    private final MetricRegistry source;
    private final MeterRegistry target;
    private final Tags tags;
    private final Map<String, List<Meter>> bridged = new ConcurrentHashMap<>();

    public JraftMetricsBridge(MetricRegistry source, MeterRegistry target, Tags tags) {
        this.source = source;
        this.target = target;
        this.tags = tags;
        source.addListener(this); // dropwizard replays the metrics already registered
    }

    @Override
    public void onGaugeAdded(String name, com.codahale.metrics.Gauge<?> gauge) {
        add(name, Gauge.builder("jraft.gauge", gauge, JraftMetricsBridge::number).tags(tags).tag("metric", name)
                .register(target));
    }

    @Override
    public void onCounterAdded(String name, Counter counter) {
        add(name, FunctionCounter.builder("jraft.counter", counter, Counter::getCount).tags(tags).tag("metric", name)
                .register(target));
    }

    @Override
    public void onMeterAdded(String name, com.codahale.metrics.Meter meter) {
        add(name, FunctionCounter.builder("jraft.meter", meter, com.codahale.metrics.Meter::getCount).tags(tags)
                .tag("metric", name).register(target));
    }

    @Override
    public void onHistogramAdded(String name, Histogram histogram) {
        stats(name, histogram, Histogram::getCount, Histogram::getSnapshot);
    }

    @Override
    public void onTimerAdded(String name, Timer timer) {
        stats(name, timer, Timer::getCount, Timer::getSnapshot);
    }

    private <T> void stats(String name, T metric, ToDoubleFunction<T> count,
            java.util.function.Function<T, Snapshot> snapshot) {
        add(name, histogramGauge(name, "count", metric, count));
        add(name, histogramGauge(name, "mean", metric, m -> snapshot.apply(m).getMean()));
        add(name, histogramGauge(name, "p99", metric, m -> snapshot.apply(m).get99thPercentile()));
        add(name, histogramGauge(name, "max", metric, m -> snapshot.apply(m).getMax()));
    }

    private <T> Meter histogramGauge(String name, String stat, T metric, ToDoubleFunction<T> value) {
        return Gauge.builder("jraft.histogram", metric, value).tags(tags).tag("metric", name).tag("stat", stat)
                .register(target);
    }

    @Override
    public void onGaugeRemoved(String name) {
        remove(name);
    }

    @Override
    public void onCounterRemoved(String name) {
        remove(name);
    }

    @Override
    public void onHistogramRemoved(String name) {
        remove(name);
    }

    @Override
    public void onMeterRemoved(String name) {
        remove(name);
    }

    @Override
    public void onTimerRemoved(String name) {
        remove(name);
    }

    private void add(String name, Meter meter) {
        bridged.computeIfAbsent(name, n -> new CopyOnWriteArrayList<>()).add(meter);
    }

    private void remove(String name) {
        List<Meter> meters = bridged.remove(name);
        if (meters != null) {
            meters.forEach(target::remove);
        }
    }

    private static double number(com.codahale.metrics.Gauge<?> gauge) {
        Object value = gauge.getValue();
        return value instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /** Stops following jraft's registry and removes every bridged meter. */
    @Override
    public void close() {
        source.removeListener(this);
        new ArrayList<>(bridged.keySet()).forEach(this::remove);
    }
}
