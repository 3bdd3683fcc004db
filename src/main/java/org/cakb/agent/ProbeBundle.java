package org.cakb.agent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The probe bundle: the JSON form of content/probes/*.yaml, as produced by ProbeBundleConverter (in the server's catalog package) at build
 * time and bundled into the agent jar as {@value #RESOURCE}. Format:
 * {@code {"format": 1, "generated": "...", "probes": [ {id, title, verifies, vantage, severity, check}, ... ]}}.
 */
public final class ProbeBundle {
    public static final String RESOURCE = "/org/cakb/agent/probes.json";
    public static final int FORMAT = 1;
    /** Largest bundle accepted, in bytes, and most probes in one. */
    public static final int MAX_BYTES = 8 * 1024 * 1024;
    public static final int MAX_PROBES = 2000;

    private final List<ProbeDefinition> probes;
    private final String origin;

    private ProbeBundle(List<ProbeDefinition> probes, String origin) {
        this.probes = probes;
        this.origin = origin;
    }

    public List<ProbeDefinition> probes() {
        return probes;
    }

    public String origin() {
        return origin;
    }

    @SuppressWarnings("unchecked")
    public static ProbeBundle parse(String json, String origin) {
        Object root = Json.parse(json);
        if (!(root instanceof Map)) {
            throw new IllegalArgumentException(origin + ": bundle is not a JSON object");
        }
        Map<String, Object> m = (Map<String, Object>) root;
        Object fmt = m.get("format");
        if (!(fmt instanceof Long) || ((Long) fmt).intValue() != FORMAT) {
            throw new IllegalArgumentException(origin + ": unsupported bundle format " + fmt + " (expected " + FORMAT + ")");
        }
        Object list = m.get("probes");
        if (!(list instanceof List)) {
            throw new IllegalArgumentException(origin + ": bundle has no probes array");
        }
        if (((List<Object>) list).size() > MAX_PROBES) {
            throw new IllegalArgumentException(origin + ": more than " + MAX_PROBES + " probes");
        }
        List<ProbeDefinition> out = new ArrayList<>();
        for (Object o : (List<Object>) list) {
            if (!(o instanceof Map)) {
                throw new IllegalArgumentException(origin + ": probe entry is not an object");
            }
            out.add(ProbeDefinition.fromMap((Map<String, Object>) o));
        }
        return new ProbeBundle(Collections.unmodifiableList(out), origin);
    }

    /** The bundle built into the jar. */
    public static ProbeBundle builtIn() throws IOException {
        try (InputStream in = ProbeBundle.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException("probe bundle " + RESOURCE + " is missing from the agent jar");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "built-in");
        }
    }

    /** A bundle file given with --probes: a regular file of at most {@link #MAX_BYTES} (a FIFO or device is refused). */
    public static ProbeBundle fromFile(Path p) throws IOException {
        return parse(new String(AgentFiles.readBounded(p, MAX_BYTES), StandardCharsets.UTF_8), p.toString());
    }
}
