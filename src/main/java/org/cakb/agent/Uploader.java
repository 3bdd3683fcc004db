package org.cakb.agent;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Sends the spooled reports to the server, oldest first. A report leaves the spool only after the server answered
 * 201 (stored) or 200 (already stored: a resend after a lost answer is safe because the server is idempotent by
 * report id). Unreachable server, 408, 429 and 5xx are retried with bounded exponential backoff and jitter; when
 * the retries are used up the remaining reports stay spooled, in order. 401 (credential unknown or revoked) stops
 * the run and keeps everything. Any other 4xx moves that report to {@code rejected/} with the server's message.
 */
final class Uploader {

    static final long BASE_DELAY_MS = 500;
    static final long MAX_DELAY_MS = 15_000;

    static final class Result {
        int delivered;
        int duplicates;
        int rejected;
        int remaining;
        boolean unauthorized;
        String lastProblem;
        /** Ids of the reports the server answered 200 or 201 for, from the spooled file names. */
        final java.util.Set<String> acknowledged = new java.util.HashSet<>();

        /** Exit code: 0 all sent, 3 refused (401 or a rejected report), 4 server unreachable (reports kept). */
        int exitCode() {
            if (unauthorized || rejected > 0) {
                return AgentMain.EXIT_REFUSED;
            }
            return remaining > 0 ? AgentMain.EXIT_UNREACHABLE : 0;
        }
    }

    private final FleetClient client;
    private final String credential;
    private final int retries;
    private final PrintStream err;

    Uploader(FleetClient client, String credential, int retries, PrintStream err) {
        this.client = client;
        this.credential = credential;
        this.retries = retries;
        this.err = err;
    }

    static long backoff(int attempt, long retryAfterMillis) {
        long exp = Math.min(MAX_DELAY_MS, BASE_DELAY_MS << Math.min(attempt, 20));
        // "equal jitter": half fixed, half random, so agents that lost the server together do not return together
        long d = exp / 2 + ThreadLocalRandom.current().nextLong(exp / 2 + 1);
        if (retryAfterMillis > 0) {
            d = Math.max(d, Math.min(retryAfterMillis, MAX_DELAY_MS));
        }
        return d;
    }

    static boolean retryable(int status) {
        return status == 0 || status == 408 || status == 429 || status >= 500;
    }

    /**
     * Sends the spool. An exclusive lock on {@code spool/.lock} serialises agents that flush the same spool at the
     * same time (e.g. overlapping cron runs), so each report is sent by one of them; a report another run already
     * handled is skipped.
     */
    Result flush(Path spoolDir) throws IOException {
        AgentFiles.ensurePrivateDir(spoolDir);
        try (java.nio.channels.FileChannel lock = java.nio.channels.FileChannel.open(spoolDir.resolve(".lock"),
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
             java.nio.channels.FileLock held = lock.lock()) {
            return flushLocked(spoolDir);
        }
    }

    private Result flushLocked(Path spoolDir) throws IOException {
        Result res = new Result();
        List<Path> queue = AgentFiles.spooled(spoolDir);
        for (int i = 0; i < queue.size(); i++) {
            Path p = queue.get(i);
            byte[] body;
            try {
                body = Files.readAllBytes(p);
            } catch (java.nio.file.NoSuchFileException gone) {
                continue; // sent and removed by another run
            }
            FleetClient.Answer a = null;
            for (int attempt = 0; ; attempt++) {
                a = client.submit(credential, body);
                if (!retryable(a.status) || attempt >= retries) {
                    break;
                }
                long d = backoff(attempt, a.retryAfterMillis);
                err.println("cakb-agent: " + describe(a) + "; retrying in " + d + " ms (" + (attempt + 1) + "/" + retries + ")");
                try {
                    Thread.sleep(d);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            String name = p.getFileName().toString();
            if (a.status == 201 || a.status == 200) {
                Files.deleteIfExists(p);
                if (name.length() > 41 && name.endsWith(".json")) {
                    res.acknowledged.add(name.substring(name.length() - 41, name.length() - 5));
                }
                if (a.status == 201) {
                    res.delivered++;
                } else {
                    res.duplicates++;
                }
                continue;
            }
            if (a.status == 401) {
                res.unauthorized = true;
                res.lastProblem = "the server refused this agent's credential (401: " + a.message()
                        + "); it was revoked or is unknown. Enroll again with a new token; reports stay spooled";
                res.remaining = queue.size() - i;
                return res;
            }
            if (a.status >= 400 && a.status < 500 && !retryable(a.status)) {
                Path moved = AgentFiles.reject(p, a.status, a.message());
                res.rejected++;
                err.println("cakb-agent: the server rejected report " + name + " (HTTP " + a.status + ": " + a.message()
                        + "); moved to " + moved);
                continue;
            }
            res.lastProblem = describe(a);
            res.remaining = queue.size() - i;
            return res;
        }
        return res;
    }

    static String describe(FleetClient.Answer a) {
        if (!a.reached()) {
            return a.problem;
        }
        return "server answered HTTP " + a.status + ": " + a.message();
    }
}
