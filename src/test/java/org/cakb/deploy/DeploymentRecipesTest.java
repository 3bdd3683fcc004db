package org.cakb.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The agent deployment recipes in deploy/agent (shown in docs/agent.md): the DaemonSet is valid YAML that uses only
 * the Kubernetes fields listed below (a misspelt field would be silently dropped by the API server) with the
 * properties the docs promise; the systemd units have the keys the docs name and pass {@code systemd-analyze verify}
 * where systemd is installed. Nothing here runs them on a cluster or boots a host: no Kubernetes here.
 */
class DeploymentRecipesTest {
    static final Path DIR = Path.of("deploy/agent");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** The Kubernetes API fields (apps/v1 DaemonSet, core/v1 PodSpec, Container, SecurityContext, Volume) the manifest may use. */
    static final Map<String, Set<String>> FIELDS = new LinkedHashMap<>();

    static {
        FIELDS.put("", Set.of("apiVersion", "kind", "metadata", "spec"));
        FIELDS.put("metadata", Set.of("name", "namespace", "labels", "annotations"));
        FIELDS.put("spec", Set.of("selector", "updateStrategy", "template", "minReadySeconds", "revisionHistoryLimit"));
        FIELDS.put("spec.selector", Set.of("matchLabels", "matchExpressions"));
        FIELDS.put("spec.updateStrategy", Set.of("type", "rollingUpdate"));
        FIELDS.put("spec.template", Set.of("metadata", "spec"));
        FIELDS.put("spec.template.metadata", Set.of("labels", "annotations"));
        FIELDS.put("spec.template.spec", Set.of("hostPID", "hostNetwork", "hostIPC", "automountServiceAccountToken",
                "enableServiceLinks", "priorityClassName", "tolerations", "containers", "volumes", "serviceAccountName",
                "nodeSelector", "securityContext", "terminationGracePeriodSeconds"));
        FIELDS.put("spec.template.spec.tolerations[]", Set.of("key", "operator", "value", "effect", "tolerationSeconds"));
        FIELDS.put("spec.template.spec.containers[]", Set.of("name", "image", "command", "args", "env", "resources",
                "securityContext", "volumeMounts", "imagePullPolicy"));
        FIELDS.put("spec.template.spec.containers[].env[]", Set.of("name", "value", "valueFrom"));
        FIELDS.put("spec.template.spec.containers[].resources", Set.of("requests", "limits"));
        FIELDS.put("spec.template.spec.containers[].securityContext", Set.of("privileged", "runAsUser", "runAsGroup",
                "runAsNonRoot", "allowPrivilegeEscalation", "readOnlyRootFilesystem", "capabilities", "seccompProfile",
                "procMount", "seLinuxOptions", "appArmorProfile"));
        FIELDS.put("spec.template.spec.containers[].securityContext.capabilities", Set.of("add", "drop"));
        FIELDS.put("spec.template.spec.containers[].securityContext.seccompProfile", Set.of("type", "localhostProfile"));
        FIELDS.put("spec.template.spec.containers[].volumeMounts[]", Set.of("name", "mountPath", "readOnly", "subPath",
                "mountPropagation", "recursiveReadOnly"));
        FIELDS.put("spec.template.spec.volumes[]", Set.of("name", "hostPath", "emptyDir", "secret", "configMap"));
        FIELDS.put("spec.template.spec.volumes[].hostPath", Set.of("path", "type"));
        FIELDS.put("spec.template.spec.volumes[].emptyDir", Set.of("medium", "sizeLimit"));
    }

    /** Maps whose keys are data (labels, resource names), not API fields. */
    static final Set<String> FREE_FORM = Set.of("metadata.labels", "spec.selector.matchLabels", "spec.template.metadata.labels",
            "spec.template.spec.containers[].resources.requests", "spec.template.spec.containers[].resources.limits");

    static void checkFields(JsonNode node, String path, List<String> problems) {
        if (node.isArray()) {
            node.forEach(e -> checkFields(e, path + "[]", problems));
            return;
        }
        if (!node.isObject() || FREE_FORM.contains(path)) {
            return;
        }
        Set<String> allowed = FIELDS.get(path);
        if (allowed == null) {
            problems.add("no field list for " + path);
            return;
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!allowed.contains(name)) {
                problems.add("unknown field " + (path.isEmpty() ? "" : path + ".") + name);
            } else {
                checkFields(node.get(name), path.isEmpty() ? name : path + "." + name, problems);
            }
        }
    }

    @Test
    void daemonSetIsValidAndReadsTheHostWithoutPrivileges() throws Exception {
        JsonNode ds = YAML.readTree(DIR.resolve("daemonset.yaml").toFile());
        List<String> problems = new ArrayList<>();
        checkFields(ds, "", problems);
        assertEquals(List.of(), problems);
        assertEquals("apps/v1", ds.path("apiVersion").asText());
        assertEquals("DaemonSet", ds.path("kind").asText());
        assertEquals(ds.at("/spec/selector/matchLabels"), ds.at("/spec/template/metadata/labels"), "selector matches the pods");
        JsonNode pod = ds.at("/spec/template/spec");
        assertTrue(pod.path("hostPID").asBoolean(), "hostPID: sees the host's processes");
        assertFalse(pod.path("hostNetwork").asBoolean(true));
        assertFalse(pod.path("automountServiceAccountToken").asBoolean(true), "no Kubernetes API credential");
        JsonNode c = pod.path("containers").get(0);
        JsonNode sc = c.path("securityContext");
        assertFalse(sc.path("privileged").asBoolean(true));
        assertFalse(sc.path("allowPrivilegeEscalation").asBoolean(true));
        assertTrue(sc.path("readOnlyRootFilesystem").asBoolean());
        assertEquals("[\"ALL\"]", sc.at("/capabilities/drop").toString());
        Set<String> added = new HashSet<>();
        sc.at("/capabilities/add").forEach(a -> added.add(a.asText()));
        assertTrue(Set.of("DAC_READ_SEARCH", "SYS_PTRACE").containsAll(added), "only read capabilities: " + added);
        assertEquals("RuntimeDefault", sc.at("/seccompProfile/type").asText());

        Map<String, JsonNode> volumes = new LinkedHashMap<>();
        pod.path("volumes").forEach(v -> volumes.put(v.path("name").asText(), v));
        Map<String, String> hostMountsWritable = new LinkedHashMap<>();
        for (JsonNode m : c.path("volumeMounts")) {
            JsonNode v = volumes.get(m.path("name").asText());
            assertTrue(v != null, "volume of mount " + m);
            if (v.has("hostPath")) {
                hostMountsWritable.put(v.at("/hostPath/path").asText(), m.path("readOnly").asBoolean(false) ? "ro" : "rw");
            }
        }
        assertEquals("ro", hostMountsWritable.get("/sys/fs/cgroup"), "host cgroup fs read-only");
        assertEquals("ro", hostMountsWritable.get("/etc/docker"));
        assertEquals(Map.of("/sys/fs/cgroup", "ro", "/etc/docker", "ro", "/var/lib/cakb-agent", "rw"), hostMountsWritable,
                "the only writable host path is the agent's own state (credential and spool)");
        String script = c.path("args").get(0).asText();
        assertTrue(script.contains("--vantage host") && script.contains("--credential-file /var/lib/cakb-agent/credential"), script);
    }

    static Map<String, List<String>> unit(Path file) throws Exception {
        Map<String, List<String>> keys = new LinkedHashMap<>();
        String section = "";
        for (String line : Files.readAllLines(file)) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            if (l.startsWith("[")) {
                section = l;
                continue;
            }
            int eq = l.indexOf('=');
            assertTrue(eq > 0, "not a key=value line in " + file + ": " + l);
            keys.computeIfAbsent(section + l.substring(0, eq), k -> new ArrayList<>()).add(l.substring(eq + 1));
        }
        return keys;
    }

    @Test
    void systemdUnitsRunTheAgentHourlyWithOnlyReadPrivileges() throws Exception {
        Map<String, List<String>> service = unit(DIR.resolve("cakb-agent.service"));
        Map<String, List<String>> timer = unit(DIR.resolve("cakb-agent.timer"));
        assertEquals(List.of("oneshot"), service.get("[Service]Type"));
        String exec = service.get("[Service]ExecStart").get(0);
        assertTrue(exec.contains("-jar /opt/cakb-agent/cakb-agent.jar run --server "), exec);
        assertEquals(List.of("CAP_DAC_READ_SEARCH CAP_SYS_PTRACE"), service.get("[Service]CapabilityBoundingSet"));
        assertEquals(List.of("yes"), service.get("[Service]NoNewPrivileges"));
        assertEquals(List.of("strict"), service.get("[Service]ProtectSystem"));
        assertEquals(List.of("/etc/cakb-agent /var/lib/cakb-agent"), service.get("[Service]ReadWritePaths"));
        assertEquals(List.of("cakb-agent.service"), timer.get("[Timer]Unit"));
        assertEquals(List.of("1h"), timer.get("[Timer]OnUnitActiveSec"));
        assertEquals(List.of("true"), timer.get("[Timer]Persistent"));
        assertEquals(List.of("timers.target"), timer.get("[Install]WantedBy"));

        Path analyze = Path.of("/usr/bin/systemd-analyze");
        Assumptions.assumeTrue(Files.isExecutable(analyze), "systemd-analyze not installed: units checked by their keys only");
        Process p = new ProcessBuilder(analyze.toString(), "verify", DIR.resolve("cakb-agent.service").toString(),
                DIR.resolve("cakb-agent.timer").toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertFalse(out.contains("Unknown key") || out.contains("Unknown section"), out);
    }

    @Test
    void docsShowTheTestedFiles() throws Exception {
        String docs = Files.readString(Path.of("docs/agent.md"));
        for (String f : List.of("cakb-agent.service", "cakb-agent.timer", "daemonset.yaml")) {
            String content = Files.readString(DIR.resolve(f)).strip();
            assertTrue(docs.contains(content), "docs/agent.md shows deploy/agent/" + f + " as it is");
        }
    }
}
