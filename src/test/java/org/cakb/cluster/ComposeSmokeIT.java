package org.cakb.cluster;

import org.cakb.testing.ChildProcesses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;

/**
 * The container image and docker-compose.yml, built and run here without a registry (issue #19): runs
 * .ci/compose-smoke.sh against the packaged app (Debian base images from debootstrap, the app image from
 * src/main/docker/Dockerfile.jvm, PostgreSQL from src/main/docker/Dockerfile.postgres, Compose from Debian), which
 * checks the secrets are required, non-root and read-only, sign-in, a knowledge-base page and an agent enrollment,
 * then removes what it made. Needs root, Docker, debootstrap and docker-compose; skipped without them unless
 * CAKB_REQUIRE_RUNTIMES=1.
 */
class ComposeSmokeIT {

    @Test
    void composeStackServesSignInPagesAndAgents() throws Exception {
        Replicas.requireEnvironment("ComposeSmokeIT");
        boolean docker = ChildProcesses.run(List.of("docker", "info"), 60).code() == 0;
        Replicas.require(docker && Files.isExecutable(Paths.get("/usr/sbin/debootstrap"))
                        && Files.isExecutable(Paths.get("/usr/bin/docker-compose")),
                "ComposeSmokeIT needs a running Docker, debootstrap and docker-compose");
        Path project = Paths.get(System.getProperty("cakb.project.dir", ".")).toAbsolutePath();
        ProcessBuilder pb = new ProcessBuilder(project.resolve(".ci/compose-smoke.sh").toString(),
                System.getenv().getOrDefault("CAKB_SMOKE_PREFIX", "cakb-smoke"))
                .directory(project.toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("CAKB_SMOKE_PORT", Integer.toString(ChildProcesses.freePort()));
        long t0 = System.currentTimeMillis();
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        int code = p.waitFor();
        System.out.print(out.lines().filter(l -> l.startsWith("[")).map(l -> "[ComposeSmokeIT] " + l + "\n")
                .reduce("", String::concat));
        System.out.printf("[ComposeSmokeIT] %.0f s in all%n", (System.currentTimeMillis() - t0) / 1000.0);
        assertEquals(0, code, out);
        assertTrue(out.contains("[compose-smoke] PASSED"), out);
    }
}
