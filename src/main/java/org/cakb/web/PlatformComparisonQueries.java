package org.cakb.web;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Tuple;
import jakarta.transaction.Transactional;
import org.cakb.common.Rows;
import org.cakb.fleet.MeasuredDefaults;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/** Builds the documented-versus-measured defaults table of a platform page. */
@ApplicationScoped
@Transactional(Transactional.TxType.SUPPORTS)
public class PlatformComparisonQueries {

    @Inject
    EntityManager em;
    @Inject
    MeasuredDefaults measured;

    public PlatformComparison of(String platformId) {
        List<Tuple> documented = Rows.list(em, """
                        SELECT d.id, d.attributes ->> 'countermeasure' AS countermeasure, coalesce(d.attributes ->> 'versions', '') AS versions,
                               d.attributes ->> 'as_of' AS as_of, coalesce(d.attributes ->> 'state', 'unknown') AS state,
                               d.attributes ->> 'value' AS value
                        FROM kb_record d
                        WHERE d.kind = 'platform-default' AND d.status = 'active' AND d.attributes ->> 'platform' = :p
                        ORDER BY d.attributes ->> 'as_of' NULLS FIRST, d.attributes ->> 'versions', d.id""", Map.of("p", platformId),
                row -> row);
        // oldest first; an era without a date counts as the oldest, so "newest documented" is always a dated one when there is one
        Map<String, PlatformComparison.Era> eras = new LinkedHashMap<>();
        Map<String, Map<String, PlatformComparison.Documented>> byCountermeasure = new HashMap<>(); // cm -> era key -> default
        for (Tuple d : documented) {
            PlatformComparison.Era era = new PlatformComparison.Era(d.get("versions", String.class), d.get("as_of", String.class));
            String key = era.versions() + "\u0000" + era.asOf();
            eras.putIfAbsent(key, era);
            String state = d.get("state", String.class);
            byCountermeasure.computeIfAbsent(d.get("countermeasure", String.class), k -> new HashMap<>()).put(key,
                    new PlatformComparison.Documented(state, Matrix.stateLabel(state), d.get("value", String.class),
                            Paths.record("platform-default", d.get("id", String.class))));
        }
        MeasuredDefaults.MeasuredRun run = measured.latestRunForPlatform(platformId).orElse(null);
        Map<String, MeasuredDefaults.MeasuredDefault> measuredStates = new HashMap<>();
        if (run != null) {
            run.defaults().forEach(m -> measuredStates.put(m.countermeasure(), m));
        }

        TreeSet<String> countermeasureIds = new TreeSet<>(byCountermeasure.keySet());
        countermeasureIds.addAll(measuredStates.keySet());
        Map<String, Views.RecordRef> refs = countermeasureRefs();
        List<PlatformComparison.Row> rows = new ArrayList<>();
        for (String cm : countermeasureIds) {
            Map<String, PlatformComparison.Documented> docs = byCountermeasure.getOrDefault(cm, Map.of());
            List<PlatformComparison.Documented> cells = new ArrayList<>();
            String comparedWith = null;
            PlatformComparison.Documented newest = null;
            for (Map.Entry<String, PlatformComparison.Era> era : eras.entrySet()) {
                PlatformComparison.Documented doc = docs.get(era.getKey());
                cells.add(doc == null ? new PlatformComparison.Documented("none", Matrix.stateLabel("none"), null, null) : doc);
                if (doc != null) {
                    newest = doc;
                    comparedWith = era.getValue().versions();
                }
            }
            MeasuredDefaults.MeasuredDefault m = measuredStates.get(cm);
            // "unknown" means the probe could not tell; that is no disagreement with the documentation
            boolean differs = m != null && newest != null && !"unknown".equals(m.state()) && !newest.state().equals(m.state());
            rows.add(new PlatformComparison.Row(refs.getOrDefault(cm, Views.RecordRef.of(cm, "countermeasure", cm, "active")), cells,
                    m == null ? null : m.state(), m == null ? null : Matrix.stateLabel(m.state()), m == null ? List.of() : observed(m),
                    differs, comparedWith, newest == null ? null : newest.label()));
        }
        rows.sort((a, b) -> a.countermeasure().title().compareToIgnoreCase(b.countermeasure().title()));
        return new PlatformComparison(new ArrayList<>(eras.values()), run == null ? null : run(run), rows,
                rows.stream().filter(PlatformComparison.Row::differs).count());
    }

    private static PlatformComparison.Run run(MeasuredDefaults.MeasuredRun run) {
        List<PlatformComparison.RawValue> raw = new ArrayList<>();
        run.raw().forEach((name, value) -> raw.add(new PlatformComparison.RawValue(name, String.valueOf(value))));
        return new PlatformComparison.Run(run.runtime(), run.runtimeVersion() == null ? run.runtime() : run.runtimeVersion(), run.kernel(),
                run.measuredAt() == null ? null : run.measuredAt().toString(), run.agentVersion(), run.invocation(), raw);
    }

    private static List<PlatformComparison.Observed> observed(MeasuredDefaults.MeasuredDefault m) {
        return m.checks().stream().map(c -> new PlatformComparison.Observed(String.valueOf(c.get("id")),
                Objects.toString(c.get("status"), ""), Objects.toString(c.get("observed"), ""))).toList();
    }

    private Map<String, Views.RecordRef> countermeasureRefs() {
        Map<String, Views.RecordRef> refs = new HashMap<>();
        Rows.list(em, "SELECT id, title, status FROM kb_record WHERE kind = 'countermeasure'", r -> refs.put(r.get("id", String.class),
                Views.RecordRef.of(r.get("id", String.class), "countermeasure", r.get("title", String.class), r.get("status", String.class))));
        return refs;
    }
}
