package org.cakb.agent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runtimes' own state on the host: which ids containerd and runc know (directory names only) and, for names and
 * images, a few fixed fields of their metadata files, each parsed only when under a size bound. Everything else in
 * those files (the process environment, mounts, the rest of the spec) is ignored.
 */
final class RuntimeMetadata {
    static final int MAX_METADATA_BYTES = 2 * 1024 * 1024;
    static final String DOCKER_CONTAINERS = "/var/lib/docker/containers";
    /** containerd task state: its own and the one Docker starts for itself. */
    static final List<String> CONTAINERD_TASK_ROOTS = List.of("/run/containerd/io.containerd.runtime.v2.task",
            "/run/docker/containerd/daemon/io.containerd.runtime.v2.task");
    static final String RUNC_ROOT = "/run/runc";
    static final String CRIO_CONTAINERS = "/var/lib/containers/storage/overlay-containers";

    private final SystemFiles fs;
    private Map<String, String> containerdTasks;
    private List<String> runcIds;

    RuntimeMetadata(SystemFiles fs) {
        this.fs = fs;
    }

    /** containerd task directory of an id (any namespace), or null. */
    String containerdTask(String id) {
        if (containerdTasks == null) {
            containerdTasks = new HashMap<>();
            for (String root : CONTAINERD_TASK_ROOTS) {
                for (String ns : fs.list(root)) {
                    if (ns.equals("moby")) {
                        continue; // Docker's own containers, attributed to docker by their cgroup
                    }
                    for (String tid : fs.list(root + "/" + ns)) {
                        containerdTasks.put(tid, root + "/" + ns + "/" + tid);
                    }
                }
            }
        }
        return containerdTasks.get(id);
    }

    boolean runcKnows(String id) {
        if (runcIds == null) {
            runcIds = new ArrayList<>(fs.list(RUNC_ROOT));
        }
        return runcIds.contains(id);
    }

    /** Fills name and image from the runtime's fixed metadata fields where it records them. */
    void describe(DiscoveredContainer c) {
        switch (c.runtime) {
            case "docker": {
                Map<String, String> cfg = fields(DOCKER_CONTAINERS + "/" + c.id + "/config.v2.json", "Name", "Config/Image");
                if (cfg != null) {
                    String name = text(cfg.get("Name"));
                    c.name = name == null ? null : bound(name.startsWith("/") ? name.substring(1) : name, 255);
                    c.image = bound(text(cfg.get("Config/Image")), 512);
                    c.evidence.add(DOCKER_CONTAINERS + "/" + c.id + "/config.v2.json: Name, Config.Image");
                }
                break;
            }
            case "containerd": {
                String dir = containerdTask(c.id);
                if (dir != null) {
                    kubernetesNames(c, dir + "/config.json", "io.kubernetes.cri.sandbox-namespace",
                            "io.kubernetes.cri.sandbox-name", "io.kubernetes.cri.container-name",
                            "io.kubernetes.cri.image-name");
                }
                break;
            }
            case "cri-o":
                kubernetesNames(c, CRIO_CONTAINERS + "/" + c.id + "/userdata/config.json", "io.kubernetes.pod.namespace",
                        "io.kubernetes.pod.name", "io.kubernetes.container.name", "io.kubernetes.cri-o.ImageName");
                break;
            default:
                break;
        }
    }

    private void kubernetesNames(DiscoveredContainer c, String file, String nsKey, String podKey, String nameKey,
            String imageKey) {
        Map<String, String> ann = fields(file, "annotations/" + nsKey, "annotations/" + podKey, "annotations/" + nameKey,
                "annotations/" + imageKey);
        if (ann == null) {
            return;
        }
        String ns = text(ann.get("annotations/" + nsKey));
        String pod = text(ann.get("annotations/" + podKey));
        String name = text(ann.get("annotations/" + nameKey));
        if (ns != null && pod != null && name != null) {
            c.name = bound(ns + "/" + pod + "/" + name, 255);
        }
        c.image = bound(text(ann.get("annotations/" + imageKey)), 512);
        c.evidence.add(file + ": annotations " + nsKey + ", " + podKey + ", " + nameKey + ", " + imageKey);
    }

    /** Only the named fields, through the read gate's fixed-field reader (the rest of these files, e.g. the environment, is never returned). */
    private Map<String, String> fields(String file, String... names) {
        try {
            return fs.readFields(file, java.util.Arrays.asList(names));
        } catch (ReadRefused e) {
            return null; // larger than the read gate's bound, or not a regular file
        }
    }

    private static String text(Object o) {
        return o instanceof String && !((String) o).isEmpty() ? (String) o : null;
    }

    private static String bound(String s, int max) {
        return s == null ? null : s.length() <= max ? s : s.substring(0, max);
    }
}
