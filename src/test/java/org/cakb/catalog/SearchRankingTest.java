package org.cakb.catalog;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Realistic queries against the real content/ and the records a person expects at the top. Each row: the query, how
 * many of the first results to look at, and the record ids (separated by spaces) that must all be among them.
 */
@QuarkusTest
class SearchRankingTest {

    @Inject
    SearchService search;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            docker.sock | 5 | nistir8176:req/a2-no-runtime-socket-mount threat:runtime-socket-abuse cm:no-runtime-socket-mount rec:docker/never-mount-docker-socket probe:mounts/no-runtime-socket
            /var/run/docker.sock | 4 | nistir8176:req/a2-no-runtime-socket-mount threat:runtime-socket-abuse cm:no-runtime-socket-mount rec:docker/never-mount-docker-socket
            CAP_SYS_ADMIN | 3 | cm:no-cap-sys-admin
            cm:no-cap-sys-admin | 1 | cm:no-cap-sys-admin
            nistir8176:req/a2-no-runtime-socket-mount | 1 | nistir8176:req/a2-no-runtime-socket-mount
            T1611 | 3 | threat:container-to-host-escape
            seccomp | 3 | cm:seccomp-filter
            CVE-2022-0492 | 3 | source:nvd-cve-2022-0492 threat:cgroup-v1-release-agent-escape
            NO_NEW_PRIVS | 3 | cm:no-new-privs
            release_agent | 1 | threat:cgroup-v1-release-agent-escape
            binfmt_misc | 4 | threat:binfmt-misc-register-escape cm:binfmt-misc-safe-flags
            /proc/sys | 3 | cm:read-only-proc-sys
            user namespace | 3 | cm:namespace-user
            privileged container | 3 | cm:no-privileged-containers
            sp800-190:4.5.5 | 1 | sp800-190:4.5.5
            T1552.007 | 3 | threat:runtime-socket-abuse threat:cloud-metadata-and-token-access
            containerd.sock | 5 | cm:no-runtime-socket-mount
            CAP_NET_RAW | 3 | cm:no-cap-net-raw
            kernel.unprivileged_bpf_disabled | 3 | probe:sysctl/unprivileged-bpf-disabled
            pids.max | 3 | cm:cgroup-pids-limit
            memory.limit_in_bytes | 3 | cm:cgroup-memory-limit
            no-new-privileges | 3 | rec:docker/set-no-new-privileges probe:docker/no-new-privileges
            apparmor | 3 | cm:mac-apparmor
            docker seccomp | 3 | default:docker/29/seccomp-filter
            seccomp-filter | 3 | cm:seccomp-filter
            "read-only root filesystem" | 5 | probe:mounts/read-only-root
            """)
    void expectedRecordsRankAtTheTop(String query, int within, String expected) {
        List<String> top = search.search(query, null, 20).hits().stream().map(SearchService.Hit::id).toList();
        List<String> head = top.subList(0, Math.min(within, top.size()));
        for (String id : Arrays.asList(expected.strip().split("\\s+"))) {
            assertTrue(head.contains(id), () -> "“" + query + "”: expected " + id + " in the first " + within + ", got " + top);
        }
    }

    @Test
    void aPathFindsEveryRecordThatNamesItAndMarksItInTheSnippet() {
        SearchService.Result result = search.search("docker.sock", null, 20);
        assertTrue(result.total() >= 5, () -> "docker.sock matched only " + result.total());
        SearchService.Hit threat = result.hits().stream().filter(h -> h.id().equals("threat:runtime-socket-abuse")).findFirst().orElseThrow();
        assertTrue(threat.snippet().contains(SearchService.START_SEL + "docker.sock" + SearchService.STOP_SEL), threat.snippet());
    }

    @Test
    void likeWildcardsInTheQueryAreLiteral() {
        assertEquals(0, search.search("%.%", null, 20).total());
        assertEquals(0, search.search("_._", null, 20).total());
        assertEquals(0, search.search("docker\\.sock", null, 20).total());
    }

    @Test
    void identifierTermsAndPlainWordsSplit() {
        SearchQuery parsed = SearchQuery.parse("\"CAP_SYS_ADMIN\" docker -no-such /var/run/docker.sock, T1611 a2");
        assertEquals(java.util.List.of("cap_sys_admin", "/var/run/docker.sock", "t1611"), parsed.identifiers());
    }
}
