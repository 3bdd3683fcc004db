package org.cakb.catalog;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.cakb.cluster.ClusterEvents;
import org.cakb.cluster.ClusterLocks;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads content/ into PostgreSQL: read and validate every file first, then write everything in one
 * transaction. Any problem aborts the load and leaves the database exactly as it was; the outcome of
 * every attempt is kept in kb_content_load and reported on /q/health.
 * <p>
 * Replicas: loads are serialised across replicas by the advisory lock {@value #LOCK}; at start a replica skips the load
 * when the latest one succeeded on the same files (SHA-256 over content/), so replicas load shared content once; every attempt is announced on cluster topic {@value #TOPIC}
 * (payload: the attempt's id), so every replica takes it as its last attempt and drops what it cached.
 */
@ApplicationScoped
public class ContentLoader {

    private static final Logger LOG = Logger.getLogger(ContentLoader.class);

    @ConfigProperty(name = "cakb.content.dir")
    Path contentDir;

    @ConfigProperty(name = "cakb.content.load-at-start", defaultValue = "true")
    boolean loadAtStart;

    @Inject
    ContentWriter writer;

    @Inject
    Event<ContentLoaded> loaded;

    public static final String TOPIC = "content.load";
    static final String LOCK = "content-load";

    @Inject
    ClusterEvents cluster;

    @Inject
    ClusterLocks locks;

    private volatile ContentLoad lastAttempt;

    void onStart(@Observes StartupEvent event) {
        cluster.subscribe(TOPIC, this::loadedElsewhere);
        if (!loadAtStart) {
            return;
        }
        try {
            LoadReport report = locks.onceOrWait(LOCK, () -> loadedAlready() ? null : loadLocked(contentDir, "startup")).orElse(null);
            if (report == null) {
                lastAttempt = QuarkusTransaction.requiringNew().call(ContentLoad::latest);
                LOG.infof("content loaded at start by another replica (load %s): same files, not loaded again",
                        lastAttempt == null ? "?" : lastAttempt.id);
                return;
            }
            LOG.infof("content loaded from %s in %d ms: %d files, %d added, %d updated, %d unchanged, %d withdrawn",
                    contentDir.toAbsolutePath().normalize(), report.tookMillis(), report.filesRead(), report.added(),
                    report.updated(), report.unchanged(), report.withdrawn());
        } catch (RuntimeException e) {
            LOG.errorf("content NOT loaded, serving the last good content: %s", e.getMessage());
        }
    }

    public LoadReport load(String trigger) {
        return load(contentDir, trigger);
    }

    public LoadReport load(Path dir, String trigger) {
        return locks.withLock(LOCK, () -> loadLocked(dir, trigger));
    }

    /** Whether the latest load succeeded on exactly the files in content/ now (another replica started first). */
    private boolean loadedAlready() {
        ContentLoad latest = QuarkusTransaction.requiringNew().call(ContentLoad::latest);
        return latest != null && "succeeded".equals(latest.outcome) && latest.contentDigest != null
                && latest.contentDigest.equals(digest(contentDir));
    }

    /** SHA-256 over the relative paths and bytes of every file under {@code dir}, in path order; null if unreadable. */
    static String digest(Path dir) {
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(dir)) {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            for (Path f : files.filter(java.nio.file.Files::isRegularFile).sorted().toList()) {
                sha.update(dir.relativize(f).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(java.nio.file.Files.readAllBytes(f));
            }
            return java.util.HexFormat.of().formatHex(sha.digest());
        } catch (java.io.IOException | java.security.NoSuchAlgorithmException | RuntimeException e) {
            return null;
        }
    }

    /** Another replica loaded (or tried to): take its attempt as ours and drop caches; on MISSED, re-read the latest. */
    private void loadedElsewhere(String payload) {
        ContentLoad current = lastAttempt;
        if (current != null && current.id != null && current.id.toString().equals(payload)) {
            return; // our own attempt, delivered locally
        }
        ContentLoad attempt = QuarkusTransaction.requiringNew().call(() -> ClusterEvents.MISSED.equals(payload)
                ? ContentLoad.latest() : ContentLoad.<ContentLoad>findById(Long.parseLong(payload)));
        if (attempt == null || (current != null && attempt.id.equals(current.id))) {
            return;
        }
        lastAttempt = attempt;
        if ("succeeded".equals(attempt.outcome)) {
            long took = java.time.Duration.between(attempt.startedAt, attempt.finishedAt).toMillis();
            loaded.fire(new ContentLoaded(new LoadReport(attempt.trigger, attempt.filesRead, attempt.recordsAdded,
                    attempt.recordsUpdated, attempt.recordsUnchanged, attempt.recordsWithdrawn, took)));
        }
    }

    private synchronized LoadReport loadLocked(Path dir, String trigger) {
        OffsetDateTime started = OffsetDateTime.now();
        String digest = digest(dir);
        long startNanos = System.nanoTime();
        int filesRead = 0;
        try {
            ContentReader.Result read = new ContentReader(dir).read();
            filesRead = read.files().size() + (int) read.problems().stream().map(ContentProblem::file).distinct().count();
            List<ContentProblem> problems = new ArrayList<>(read.problems());
            problems.addAll(ContentValidator.validate(read.files()));
            if (!problems.isEmpty()) {
                throw new ContentException(problems);
            }
            ContentWriter.Counts counts = writer.write(read.files());
            long tookMillis = (System.nanoTime() - startNanos) / 1_000_000;
            record(started, trigger, "succeeded", read.files().size(), counts, null, digest);
            LoadReport report = new LoadReport(trigger, read.files().size(), counts.added(), counts.updated(), counts.unchanged(),
                    counts.withdrawn(), tookMillis);
            loaded.fire(new ContentLoaded(report));
            return report;
        } catch (RuntimeException e) {
            record(started, trigger, "failed", filesRead, new ContentWriter.Counts(0, 0, 0, 0), e.getMessage(), digest);
            throw e;
        }
    }

    /** The most recent attempt by this instance, or the latest recorded in the database. */
    public ContentLoad lastAttempt() {
        ContentLoad attempt = lastAttempt;
        return attempt != null ? attempt : QuarkusTransaction.requiringNew().call(ContentLoad::latest);
    }

    private void record(OffsetDateTime started, String trigger, String outcome, int files, ContentWriter.Counts counts, String error,
                        String digest) {
        ContentLoad attempt = new ContentLoad();
        attempt.contentDigest = digest;
        attempt.startedAt = started;
        attempt.finishedAt = OffsetDateTime.now();
        attempt.trigger = trigger;
        attempt.outcome = outcome;
        attempt.filesRead = files;
        attempt.recordsAdded = counts.added();
        attempt.recordsUpdated = counts.updated();
        attempt.recordsUnchanged = counts.unchanged();
        attempt.recordsWithdrawn = counts.withdrawn();
        attempt.error = error;
        try {
            QuarkusTransaction.requiringNew().run(attempt::persist);
        } catch (RuntimeException e) {
            LOG.warnf("could not record the content load outcome: %s", e.getMessage());
        }
        lastAttempt = attempt;
        if (attempt.id != null) {
            cluster.publish(TOPIC, attempt.id.toString());
        }
    }
}
