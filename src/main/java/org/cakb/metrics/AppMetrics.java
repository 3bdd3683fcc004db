package org.cakb.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.StartupEvent;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.cakb.catalog.ContentLoad;
import org.cakb.catalog.ContentLoader;
import org.cakb.cluster.ClusterEvents;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The operator's metrics beyond what Quarkus gives (HTTP server, JVM, connection pool as agroal_*):
 * <ul>
 * <li>{@code cakb_agent_reports_total{outcome,reason}}: every report submission, by answer (stored, duplicate,
 * refused with its reason);</li>
 * <li>{@code cakb_agent_report_ingestion_seconds}: time from request to answer of a report submission;</li>
 * <li>{@code cakb_content_load_*}: the last content load this replica knows (any replica's), its outcome and duration;</li>
 * <li>{@code cakb_cluster_*}: whether the cluster listener is connected, events received from other replicas.</li>
 * </ul>
 * Report outcomes are taken from the HTTP answer at the edge, so they count exactly what agents were told.
 */
@ApplicationScoped
public class AppMetrics {

    static final String REPORTS = "/api/v1/agent/reports";

    @Inject
    MeterRegistry registry;
    @Inject
    ContentLoader loader;
    @Inject
    ClusterEvents cluster;

    private final Map<Integer, Counter> reportCounters = new ConcurrentHashMap<>();
    private Timer ingestion;

    void register(@Observes StartupEvent event) {
        ingestion = Timer.builder("cakb.agent.report.ingestion").description("Report submissions, request to answer")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
        Gauge.builder("cakb.content.load.last.success", this, m -> m.lastLoad(l -> "succeeded".equals(l.outcome) ? 1 : 0))
                .description("1 if the last content load succeeded, 0 if it failed (the app then serves the last good content)")
                .register(registry);
        Gauge.builder("cakb.content.load.last.duration.seconds", this,
                        m -> m.lastLoad(l -> Duration.between(l.startedAt, l.finishedAt).toMillis() / 1000.0))
                .description("Duration of the last content load").register(registry);
        Gauge.builder("cakb.content.load.last.finished.timestamp.seconds", this,
                        m -> m.lastLoad(l -> l.finishedAt.toEpochSecond()))
                .description("When the last content load finished (Unix time)").register(registry);
        Gauge.builder("cakb.cluster.listening", cluster, c -> c.listening() ? 1 : 0)
                .description("1 while this replica receives cluster events from the others").register(registry);
        Gauge.builder("cakb.cluster.events.received", cluster, ClusterEvents::received)
                .description("Cluster events received from other replicas since start").register(registry);
        for (int status : new int[]{201, 200, 400, 401, 409, 413, 422, 503}) {
            reportCounter(status);
        }
    }

    private double lastLoad(java.util.function.ToDoubleFunction<ContentLoad> value) {
        try {
            ContentLoad last = loader.lastAttempt();
            return last == null ? Double.NaN : value.applyAsDouble(last);
        } catch (RuntimeException e) {
            return Double.NaN; // database unreachable: unknown, not zero
        }
    }

    /** The answer an agent got, as outcome and reason labels. */
    static String[] outcome(int status) {
        return switch (status) {
            case 201 -> new String[]{"stored", "new"};
            case 200 -> new String[]{"duplicate", "same-report-again"};
            case 400 -> new String[]{"refused", "malformed"};
            case 401 -> new String[]{"refused", "unauthenticated"};
            case 403 -> new String[]{"refused", "forbidden"};
            case 409 -> new String[]{"refused", "conflicting-duplicate"};
            case 413 -> new String[]{"refused", "too-large"};
            case 415 -> new String[]{"refused", "unsupported-media-type"};
            case 422 -> new String[]{"refused", "invalid"};
            case 429 -> new String[]{"refused", "rate-limited"};
            case 503 -> new String[]{"refused", "database-unavailable"};
            default -> new String[]{status >= 500 ? "error" : "refused", "http-" + status};
        };
    }

    private Counter reportCounter(int status) {
        return reportCounters.computeIfAbsent(status, s -> {
            String[] o = outcome(s);
            return Counter.builder("cakb.agent.reports").description("Agent report submissions by answer")
                    .tag("outcome", o[0]).tag("reason", o[1]).register(registry);
        });
    }

    void routes(@Observes Router router) {
        router.post(REPORTS).order(Integer.MIN_VALUE + 50).handler(this::measureReport);
    }

    private void measureReport(RoutingContext ctx) {
        long start = System.nanoTime();
        ctx.addEndHandler(done -> {
            if (ingestion != null) {
                ingestion.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
                reportCounter(ctx.response().getStatusCode()).increment();
            }
        });
        ctx.next();
    }
}
