package org.cakb.web;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.cakb.catalog.CatalogService;
import org.cakb.catalog.RecordKind;
import org.cakb.common.Rows;

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
public class KbPageQueries {

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
        Map<String, List<Views.RecordRef>> grouped = new LinkedHashMap<>();
        Rows.list(em, """
                SELECT id, kind, title, status, coalesce(attributes ->> 'category', 'other') AS category FROM kb_record
                WHERE kind = 'threat' AND status = 'active' ORDER BY 5, title""",
                r -> grouped.computeIfAbsent(r.get("category", String.class), k -> new ArrayList<>()).add(ref(r)));
        return grouped;
    }

    /** How many active records cite each source, most cited first. */
    public List<Views.Count> recordsPerSource() {
        return Rows.list(em, """
                        SELECT s.id, s.title, count(DISTINCT c.record_id) AS n
                        FROM kb_record s
                        LEFT JOIN kb_citation c ON c.source_id = s.id AND c.record_id <> s.id
                             AND EXISTS (SELECT 1 FROM kb_record r WHERE r.id = c.record_id AND r.status = 'active')
                        WHERE s.kind = 'source' AND s.status = 'active'
                        GROUP BY s.id, s.title ORDER BY n DESC, s.title""",
                r -> new Views.Count(r.get("title", String.class), Rows.number(r, "n"), Paths.record("source", r.get("id", String.class))));
    }

    /** Links whose two ends are both among {@code ids}. */
    public List<TraceGraph.Link> linksAmong(List<String> ids) {
        return Rows.list(em, """
                        SELECT from_id, relation, to_id FROM kb_link
                        WHERE from_id = ANY (CAST(:ids AS text[])) AND to_id = ANY (CAST(:ids AS text[]))
                        ORDER BY from_id, relation, to_id""", Map.of("ids", ids.toArray(String[]::new)),
                r -> new TraceGraph.Link(r.get("from_id", String.class), r.get("relation", String.class), r.get("to_id", String.class)));
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
        Map<String, Set<String>> result = new HashMap<>();
        Rows.list(em, """
                        SELECT DISTINCT l.from_id AS countermeasure, a.id AS area
                        FROM kb_link l
                        JOIN kb_record req ON req.id = l.to_id
                        JOIN kb_record a ON a.kind = 'requirement' AND a.status = 'active'
                             AND a.attributes ->> 'category' = 'area'
                             AND (a.id = req.id OR a.id = req.attributes ->> 'area')
                        WHERE l.relation = 'satisfies'
                        ORDER BY 1, 2""",
                r -> result.computeIfAbsent(r.get("countermeasure", String.class), k -> new LinkedHashSet<>()).add(r.get("area", String.class)));
        return result;
    }

    /**
     * SP 800-53 families of each countermeasure ("AC\0Access Control"): from its own control mappings and from those of
     * the requirements it satisfies.
     */
    private Map<String, Set<String>> familiesByCountermeasure() {
        Map<String, Set<String>> result = new HashMap<>();
        Rows.list(em, """
                        SELECT DISTINCT c.id AS countermeasure, ctl.attributes ->> 'family' AS family, ctl.attributes ->> 'family_title' AS title
                        FROM kb_record c
                        LEFT JOIN kb_link s ON s.from_id = c.id AND s.relation = 'satisfies'
                        JOIN kb_control_mapping m ON m.record_id = c.id OR m.record_id = s.to_id
                        JOIN kb_record ctl ON ctl.id = m.control_id AND ctl.status = 'active'
                        WHERE c.kind = 'countermeasure' AND c.status = 'active'
                        ORDER BY 1, 2""",
                r -> result.computeIfAbsent(r.get("countermeasure", String.class), k -> new java.util.TreeSet<>())
                        .add(r.get("family", String.class) + "\u0000" + r.get("title", String.class)));
        return result;
    }

    /**
     * One column per runtime's newest measurement (bin/measure-defaults), next to the documented columns of the same
     * platform. A measured state that differs from the newest documented state says so in the cell.
     */
    private void addMeasuredColumns(String platformFilter, Map<String, Matrix.Column> columns, Map<String, Map<String, Matrix.Cell>> cells) {
        Set<String> platforms = Set.copyOf(Rows.strings(em, "SELECT id FROM kb_record WHERE kind = 'platform' AND status = 'active'", Map.of()));
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
        List<jakarta.persistence.Tuple> defaults = Rows.list(em, """
                        SELECT d.id, d.title, d.attributes ->> 'platform' AS platform, d.attributes ->> 'countermeasure' AS countermeasure,
                               d.attributes ->> 'versions' AS versions, d.attributes ->> 'as_of' AS as_of, d.attributes ->> 'state' AS state,
                               d.attributes ->> 'evidence' AS evidence, d.attributes ->> 'value' AS value, p.title AS platform_title,
                               c.locator, s.title AS source_title, s.attributes ->> 'url' AS url
                        FROM kb_record d
                        LEFT JOIN kb_record p ON p.id = d.attributes ->> 'platform'
                        LEFT JOIN kb_citation c ON c.record_id = d.id AND c.position = (
                            SELECT min(position) FROM kb_citation WHERE record_id = d.id)
                        LEFT JOIN kb_record s ON s.id = c.source_id
                        WHERE d.kind = 'platform-default' AND d.status = 'active'
                        ORDER BY d.id""", r -> r);
        Map<String, Matrix.Column> columns = new LinkedHashMap<>();
        Map<String, Map<String, Matrix.Cell>> cells = new HashMap<>(); // cm -> column key -> cell
        for (jakarta.persistence.Tuple d : defaults) {
            String platform = d.get("platform", String.class);
            if (platformFilter != null && !platformFilter.equals(platform)) {
                continue;
            }
            String cm = d.get("countermeasure", String.class);
            String versions = Objects.requireNonNullElse(d.get("versions", String.class), "");
            String platformTitle = Objects.requireNonNullElse(d.get("platform_title", String.class), platform);
            Matrix.Column column = new Matrix.Column(platform, platformTitle, versions, d.get("as_of", String.class), Paths.record("platform", platform));
            columns.putIfAbsent(column.key(), column);
            String state = Objects.requireNonNullElse(d.get("state", String.class), "unknown");
            String evidence = d.get("evidence", String.class);
            String value = d.get("value", String.class);
            String sourceTitle = d.get("source_title", String.class);
            String locator = d.get("locator", String.class);
            String citationLabel = sourceTitle == null ? null : sourceTitle + (locator == null ? "" : ", " + locator);
            String tooltip = platformTitle + " " + versions + ": " + Matrix.stateLabel(state)
                    + (evidence == null ? "" : " (" + Matrix.evidenceLabel(evidence) + ")")
                    + (value == null ? "" : " — " + value);
            cells.computeIfAbsent(cm, k -> new HashMap<>()).put(column.key(), new Matrix.Cell(state, Matrix.symbol(state),
                    Matrix.stateLabel(state), Matrix.evidenceAbbr(evidence), Matrix.evidenceLabel(evidence),
                    Paths.record("platform-default", d.get("id", String.class)), d.get("url", String.class), citationLabel, tooltip, value));
        }
        addMeasuredColumns(platformFilter, columns, cells);
        List<Matrix.Column> sortedColumns = new ArrayList<>(columns.values());
        sortedColumns.sort(Comparator.comparing(Matrix.Column::platformTitle, String.CASE_INSENSITIVE_ORDER)
                .thenComparing(c -> c.asOf() == null ? "9999" : c.asOf())
                .thenComparing(Matrix.Column::versions));

        List<jakarta.persistence.Tuple> cms = Rows.list(em, """
                        SELECT id, kind, title, status, coalesce(attributes ->> 'layer', '') AS layer FROM kb_record
                        WHERE kind = 'countermeasure' AND status = 'active' ORDER BY title, id""", r -> r);
        Map<String, Set<String>> areasOf = areasByCountermeasure();
        Map<String, Set<String>> familiesOf = "family".equals(groupBy) ? familiesByCountermeasure() : Map.of();
        Map<String, String> areaTitles = new LinkedHashMap<>();
        areas().forEach(a -> areaTitles.put(a.id(), a.title()));

        Map<String, List<Matrix.Row>> groups = new TreeMap<>();
        int rowCount = 0;
        int cellCount = 0;
        Matrix.Cell none = new Matrix.Cell("none", Matrix.symbol("none"), Matrix.stateLabel("none"), "", "", null, null, null,
                "no platform-default record", null);
        Set<String> rowsSeen = new LinkedHashSet<>();
        for (jakarta.persistence.Tuple c : cms) {
            String id = c.get("id", String.class);
            String cmLayer = c.get("layer", String.class);
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
            Matrix.Row matrixRow = new Matrix.Row(ref(c), cmLayer, rowCells);
            if (rowsSeen.add(id)) {
                rowCount++;
                cellCount += row.size();
            }
            if ("family".equals(groupBy)) {
                for (String family : familiesOf.getOrDefault(id, Set.of("\uffff\u0000Not mapped to an SP 800-53 control"))) {
                    groups.computeIfAbsent("family\u0000" + family, k -> new ArrayList<>()).add(matrixRow);
                }
            } else if ("layer".equals(groupBy)) {
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
            if (parts[0].equals("family")) {
                rowGroups.add(parts[1].equals("\uffff") ? new Matrix.RowGroup(parts[2], null, g.getValue())
                        : new Matrix.RowGroup("SP 800-53 " + parts[1] + ": " + parts[2], "/controls?family=" + Paths.query(parts[1]), g.getValue()));
            } else if (parts[0].equals("layer")) {
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
        return Rows.list(em, sql, params, KbPageQueries::ref);
    }

    private static Views.RecordRef ref(jakarta.persistence.Tuple r) {
        return Views.RecordRef.of(r.get("id", String.class), r.get("kind", String.class), r.get("title", String.class), r.get("status", String.class));
    }
}
