package org.cakb.web;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.cakb.catalog.CatalogService;
import org.cakb.catalog.RecordKind;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/** Read queries the pages need beyond CatalogService: overviews, the matrix and the trace graph's edges. */
@ApplicationScoped
@Transactional(Transactional.TxType.SUPPORTS)
public class WebCatalog {

    @Inject
    EntityManager em;
    @Inject
    CatalogService catalog;
    @Inject
    org.cakb.fleet.MeasuredDefaults measured;

    /** Active records of one kind, ordered by id, as links. */
    public List<Views.RecordRef> refs(RecordKind kind) {
        return refs("SELECT id, kind, title, status FROM kb_record WHERE kind = :kind AND status = 'active' ORDER BY id",
                Map.of("kind", kind.code));
    }

    /** NISTIR 8176 areas: requirements whose category is "area". */
    public List<Views.RecordRef> areas() {
        return refs("""
                SELECT id, kind, title, status FROM kb_record
                WHERE kind = 'requirement' AND status = 'active' AND attributes ->> 'category' = 'area'
                ORDER BY title, id""", Map.of());
    }

    /** Threats grouped by their category. */
    public Map<String, List<Views.RecordRef>> threatsByCategory() {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("""
                        SELECT id, kind, title, status, coalesce(attributes ->> 'category', 'other') FROM kb_record
                        WHERE kind = 'threat' AND status = 'active' ORDER BY 5, title""")
                .getResultList();
        Map<String, List<Views.RecordRef>> grouped = new LinkedHashMap<>();
        for (Object[] r : rows) {
            grouped.computeIfAbsent((String) r[4], k -> new ArrayList<>())
                    .add(Views.RecordRef.of((String) r[0], (String) r[1], (String) r[2], (String) r[3]));
        }
        return grouped;
    }

    /** How many active records cite each source, most cited first. */
    public List<Views.Count> recordsPerSource() {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("""
                        SELECT s.id, s.title, count(DISTINCT c.record_id) AS n
                        FROM kb_record s
                        LEFT JOIN kb_citation c ON c.source_id = s.id AND c.record_id <> s.id
                             AND EXISTS (SELECT 1 FROM kb_record r WHERE r.id = c.record_id AND r.status = 'active')
                        WHERE s.kind = 'source' AND s.status = 'active'
                        GROUP BY s.id, s.title ORDER BY n DESC, s.title""")
                .getResultList();
        return rows.stream().map(r -> new Views.Count((String) r[1], ((Number) r[2]).longValue(), Paths.record("source", (String) r[0])))
                .toList();
    }

    /** Links whose two ends are both among {@code ids}. */
    public List<TraceGraph.Link> linksAmong(List<String> ids) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("""
                        SELECT from_id, relation, to_id FROM kb_link
                        WHERE from_id = ANY (CAST(:ids AS text[])) AND to_id = ANY (CAST(:ids AS text[]))
                        ORDER BY from_id, relation, to_id""")
                .setParameter("ids", ids.toArray(String[]::new))
                .getResultList();
        return rows.stream().map(r -> new TraceGraph.Link((String) r[0], (String) r[1], (String) r[2])).toList();
    }

    /** Kind, title and status of one record, or null. */
    public Views.RecordRef ref(String id) {
        List<Views.RecordRef> found = refs("SELECT id, kind, title, status FROM kb_record WHERE id = :id", Map.of("id", id));
        return found.isEmpty() ? null : found.get(0);
    }

    /** The attribute values used as list filters with a fixed set of values taken from records (areas, platforms). */
    public List<Views.Option> platformOptions(String selected) {
        return refs(RecordKind.PLATFORM).stream().map(r -> new Views.Option(r.id(), r.title(), r.id().equals(selected))).toList();
    }

    public List<Views.Option> areaOptions(String selected) {
        return areas().stream().map(r -> new Views.Option(r.id(), r.title(), r.id().equals(selected))).toList();
    }

    /** For each countermeasure, the NISTIR 8176 areas it serves: areas it satisfies directly, or through a requirement in that area. */
    public Map<String, Set<String>> areasByCountermeasure() {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("""
                        SELECT DISTINCT l.from_id, a.id
                        FROM kb_link l
                        JOIN kb_record req ON req.id = l.to_id
                        JOIN kb_record a ON a.kind = 'requirement' AND a.status = 'active'
                             AND a.attributes ->> 'category' = 'area'
                             AND (a.id = req.id OR a.id = req.attributes ->> 'area')
                        WHERE l.relation = 'satisfies'
                        ORDER BY 1, 2""")
                .getResultList();
        Map<String, Set<String>> result = new HashMap<>();
        rows.forEach(r -> result.computeIfAbsent((String) r[0], k -> new LinkedHashSet<>()).add((String) r[1]));
        return result;
    }

    /**
     * One column per runtime's newest measurement (bin/measure-defaults), next to the documented columns of the same
     * platform. A measured state that differs from the newest documented state says so in the cell.
     */
    private void addMeasuredColumns(String platformFilter, Map<String, Matrix.Column> columns, Map<String, Map<String, Matrix.Cell>> cells) {
        @SuppressWarnings("unchecked")
        Set<String> platforms = new java.util.HashSet<>(em.createNativeQuery(
                "SELECT id FROM kb_record WHERE kind = 'platform' AND status = 'active'").getResultList());
        for (org.cakb.fleet.MeasuredDefaults.MeasuredRun run : measured.latestPerRuntime()) {
            // a measurement is shown against a platform of the knowledge base (plain unshare, say, has none)
            if (!"measured".equals(run.status()) || !platforms.contains(run.platform())
                    || (platformFilter != null && !platformFilter.equals(run.platform()))) {
                continue;
            }
            String platform = run.platform();
            Matrix.Column documentedToday = columns.values().stream().filter(c -> c.platformId().equals(platform))
                    .max(Comparator.comparing(c -> c.asOf() == null ? "" : c.asOf())).orElse(null);
            String title = documentedToday != null ? documentedToday.platformTitle() : run.runtime();
            String version = run.runtimeVersion() == null ? run.runtime() : run.runtimeVersion();
            String day = run.measuredAt() == null ? null : run.measuredAt().toLocalDate().toString();
            Matrix.Column column = new Matrix.Column(platform, title, "measured: " + version, day,
                    Paths.record("platform", platform));
            columns.put(column.key(), column);
            for (org.cakb.fleet.MeasuredDefaults.MeasuredDefault d : run.defaults()) {
                Matrix.Cell documented = documentedToday == null ? null
                        : cells.getOrDefault(d.countermeasure(), Map.of()).get(documentedToday.key());
                boolean differs = documented != null && !documented.state().equals(d.state());
                String label = Matrix.stateLabel(d.state()) + (differs ? " (documented: " + documented.stateLabel() + ")" : "");
                String tooltip = run.runtime() + " " + version + " measured " + day + " on kernel " + run.kernel() + ": "
                        + Matrix.stateLabel(d.state())
                        + (differs ? "; differs from the documented default for " + documentedToday.versions() : "");
                cells.computeIfAbsent(d.countermeasure(), k -> new HashMap<>()).put(column.key(), new Matrix.Cell(d.state(),
                        Matrix.symbol(d.state()), label, Matrix.evidenceAbbr("measured"), Matrix.evidenceLabel("measured"),
                        column.platformHref(), null, null, tooltip, null));
            }
        }
    }

    /**
     * The platform-defaults matrix.
     * @param area    an area requirement id to keep only countermeasures serving it, or null
     * @param layer   a countermeasure layer to keep, or null
     * @param platformFilter a platform id to keep only its columns, or null
     * @param groupBy "area" or "layer"
     */
    public Matrix matrix(String area, String layer, String platformFilter, String groupBy, boolean onlyWithDefaults) {
        @SuppressWarnings("unchecked")
        List<Object[]> defaults = em.createNativeQuery("""
                        SELECT d.id, d.title, d.attributes ->> 'platform', d.attributes ->> 'countermeasure',
                               d.attributes ->> 'versions', d.attributes ->> 'as_of', d.attributes ->> 'state',
                               d.attributes ->> 'evidence', d.attributes ->> 'value', p.title,
                               c.locator, s.title, s.attributes ->> 'url'
                        FROM kb_record d
                        LEFT JOIN kb_record p ON p.id = d.attributes ->> 'platform'
                        LEFT JOIN kb_citation c ON c.record_id = d.id AND c.position = (
                            SELECT min(position) FROM kb_citation WHERE record_id = d.id)
                        LEFT JOIN kb_record s ON s.id = c.source_id
                        WHERE d.kind = 'platform-default' AND d.status = 'active'
                        ORDER BY d.id""")
                .getResultList();
        Map<String, Matrix.Column> columns = new LinkedHashMap<>();
        Map<String, Map<String, Matrix.Cell>> cells = new HashMap<>(); // cm -> column key -> cell
        for (Object[] d : defaults) {
            String platform = (String) d[2];
            if (platformFilter != null && !platformFilter.equals(platform)) {
                continue;
            }
            String cm = (String) d[3];
            String versions = Objects.requireNonNullElse((String) d[4], "");
            String platformTitle = d[9] == null ? platform : (String) d[9];
            Matrix.Column column = new Matrix.Column(platform, platformTitle, versions, (String) d[5], Paths.record("platform", platform));
            columns.putIfAbsent(column.key(), column);
            String state = Objects.requireNonNullElse((String) d[6], "unknown");
            String evidence = (String) d[7];
            String value = (String) d[8];
            String citationLabel = d[11] == null ? null : d[11] + (d[10] == null ? "" : ", " + d[10]);
            String tooltip = platformTitle + " " + versions + ": " + Matrix.stateLabel(state)
                    + (evidence == null ? "" : " (" + Matrix.evidenceLabel(evidence) + ")")
                    + (value == null ? "" : " — " + value);
            cells.computeIfAbsent(cm, k -> new HashMap<>()).put(column.key(), new Matrix.Cell(state, Matrix.symbol(state),
                    Matrix.stateLabel(state), Matrix.evidenceAbbr(evidence), Matrix.evidenceLabel(evidence),
                    Paths.record("platform-default", (String) d[0]), (String) d[12], citationLabel, tooltip, value));
        }
        addMeasuredColumns(platformFilter, columns, cells);
        List<Matrix.Column> sortedColumns = new ArrayList<>(columns.values());
        sortedColumns.sort(Comparator.comparing(Matrix.Column::platformTitle, String.CASE_INSENSITIVE_ORDER)
                .thenComparing(c -> c.asOf() == null ? "9999" : c.asOf())
                .thenComparing(Matrix.Column::versions));

        @SuppressWarnings("unchecked")
        List<Object[]> cms = em.createNativeQuery("""
                        SELECT id, kind, title, status, coalesce(attributes ->> 'layer', '') FROM kb_record
                        WHERE kind = 'countermeasure' AND status = 'active' ORDER BY title, id""")
                .getResultList();
        Map<String, Set<String>> areasOf = areasByCountermeasure();
        Map<String, String> areaTitles = new LinkedHashMap<>();
        areas().forEach(a -> areaTitles.put(a.id(), a.title()));

        Map<String, List<Matrix.Row>> groups = new TreeMap<>();
        int rowCount = 0;
        int cellCount = 0;
        Matrix.Cell none = new Matrix.Cell("none", Matrix.symbol("none"), Matrix.stateLabel("none"), "", "", null, null, null,
                "no platform-default record", null);
        Set<String> rowsSeen = new LinkedHashSet<>();
        for (Object[] c : cms) {
            String id = (String) c[0];
            String cmLayer = (String) c[4];
            Set<String> cmAreas = areasOf.getOrDefault(id, Set.of());
            if (area != null && !cmAreas.contains(area)) {
                continue;
            }
            if (layer != null && !layer.equals(cmLayer)) {
                continue;
            }
            Map<String, Matrix.Cell> row = cells.getOrDefault(id, Map.of());
            if (onlyWithDefaults && row.isEmpty()) {
                continue;
            }
            List<Matrix.Cell> rowCells = sortedColumns.stream().map(col -> row.getOrDefault(col.key(), none)).toList();
            Matrix.Row matrixRow = new Matrix.Row(Views.RecordRef.of(id, (String) c[1], (String) c[2], (String) c[3]), cmLayer, rowCells);
            if (rowsSeen.add(id)) {
                rowCount++;
                cellCount += row.size();
            }
            if ("layer".equals(groupBy)) {
                groups.computeIfAbsent("layer\u0000" + (cmLayer.isEmpty() ? "(none)" : cmLayer), k -> new ArrayList<>()).add(matrixRow);
            } else {
                List<String> keys = cmAreas.isEmpty() ? List.of("\uffff") : (area != null ? List.of(area) : List.copyOf(cmAreas));
                for (String key : keys) {
                    groups.computeIfAbsent("area\u0000" + (key.equals("\uffff") ? "\uffff" : areaTitles.getOrDefault(key, key)) + "\u0000" + key,
                            k -> new ArrayList<>()).add(matrixRow);
                }
            }
        }
        List<Matrix.RowGroup> rowGroups = new ArrayList<>();
        for (Map.Entry<String, List<Matrix.Row>> g : groups.entrySet()) {
            String[] parts = g.getKey().split("\u0000");
            if (parts[0].equals("layer")) {
                rowGroups.add(new Matrix.RowGroup("Layer: " + parts[1], "/countermeasures?layer=" + Paths.query(parts[1]), g.getValue()));
            } else if (parts[1].equals("\uffff")) {
                rowGroups.add(new Matrix.RowGroup("Not linked to a NISTIR 8176 area", null, g.getValue()));
            } else {
                rowGroups.add(new Matrix.RowGroup(parts[1], Paths.record("requirement", parts[2]), g.getValue()));
            }
        }
        return new Matrix(sortedColumns, rowGroups, rowCount, cellCount);
    }

    private List<Views.RecordRef> refs(String sql, Map<String, Object> params) {
        var query = em.createNativeQuery(sql);
        params.forEach(query::setParameter);
        @SuppressWarnings("unchecked")
        List<Object[]> rows = query.getResultList();
        return rows.stream().map(r -> Views.RecordRef.of((String) r[0], (String) r[1], (String) r[2], (String) r[3])).toList();
    }
}
