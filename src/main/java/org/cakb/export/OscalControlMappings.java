package org.cakb.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.cakb.catalog.CatalogService;
import org.cakb.catalog.ContentLoaded;
import org.cakb.catalog.KbRecord;
import org.cakb.catalog.RecordKind;
import org.cakb.common.StableUuid;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The SP 800-53 mappings in OSCAL 1.0.6 terms. OSCAL 1.0.6 (the version in use, see ../shared/oscal) has no
 * mapping-collection model (it arrived in a later OSCAL release), so the mappings travel as (a) props on the catalog's
 * controls and (b) a profile over NIST's SP 800-53 Rev. 5 catalog that selects the controls this knowledge base maps to
 * and adds, to each, one prop per mapping row. Both forms are documented in docs/oscal-mappings.md.
 */
@ApplicationScoped
public class OscalControlMappings {

    /** Prop name for a mapping: value = the OSCAL id of the control in NIST's Rev. 5 catalog (ac-6.8). */
    static final String PROP = "nist-800-53-rev5";
    /** Prop name on a profile control: value = the knowledge-base record that maps to it. */
    static final String MAPPED_FROM = "kb-mapped-from";
    static final String NIST_REV5_CATALOG = "https://raw.githubusercontent.com/usnistgov/oscal-content/main/nist.gov/SP800-53/rev5/json/NIST_SP-800-53_rev5_catalog.json";

    @Inject
    CatalogService catalogService;
    @Inject
    ObjectMapper json;
    @ConfigProperty(name = "cakb.oscal.namespace", defaultValue = "https://container-assurance-kb.invalid/ns/oscal")
    String namespace;

    private volatile String cached;

    void contentChanged(@Observes ContentLoaded event) {
        cached = null;
    }

    /** One mapping row of a record, from its {@code controls} attribute. */
    record Row(String recordId, String recordTitle, String control, String relationship, String basis, String source, String locator,
               String rationale) {
        String oscalId() {
            return control.substring(control.indexOf(':') + 1);
        }

        String remarks() {
            return relationship + "; basis: " + basis + (source == null ? "" : "; source: " + source + ", " + locator)
                    + (rationale == null ? "" : "; this knowledge base's inference, not NIST's or DISA's: " + rationale);
        }
    }

    static List<Row> rows(KbRecord record) {
        Object value = record.attributes.get("controls");
        List<Row> rows = new ArrayList<>();
        if (value instanceof List<?> list) {
            for (Object o : list) {
                Map<?, ?> m = (Map<?, ?>) o;
                rows.add(new Row(record.id, record.title, (String) m.get("control"), (String) m.get("relationship"), (String) m.get("basis"),
                        (String) m.get("source"), (String) m.get("locator"), (String) m.get("rationale")));
            }
        }
        return rows;
    }

    /** Adds one prop per mapping row to an OSCAL object (a catalog control or guidance part). */
    void addProps(ObjectNode target, KbRecord record) {
        List<Row> rows = rows(record);
        if (rows.isEmpty()) {
            return;
        }
        ArrayNode props = target.has("props") ? (ArrayNode) target.get("props") : target.putArray("props");
        for (Row row : rows) {
            props.addObject().put("name", PROP).put("ns", namespace).put("value", row.oscalId()).put("class", row.relationship())
                    .put("remarks", row.remarks());
        }
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public String profile() {
        String document = cached;
        if (document == null) {
            document = buildProfile().toString();
            cached = document;
        }
        return document;
    }

    private ObjectNode buildProfile() {
        List<KbRecord> records = catalogService.snapshot().records();
        Map<String, KbRecord> controls = new TreeMap<>();
        Map<String, List<Row>> byControl = new TreeMap<>();
        for (KbRecord r : records) {
            if (r.kind == RecordKind.CONTROL) {
                controls.put(r.id, r);
            } else {
                rows(r).forEach(row -> byControl.computeIfAbsent(row.control(), k -> new ArrayList<>()).add(row));
            }
        }
        String fingerprint = StableUuid.of("profile:" + byControl).toString();
        ObjectNode root = json.createObjectNode();
        ObjectNode profile = root.putObject("profile");
        profile.put("uuid", fingerprint);
        ObjectNode metadata = profile.putObject("metadata");
        metadata.put("title", "Container Assurance KB: NIST SP 800-53 Rev. 5 controls supported by container assurance requirements");
        metadata.put("last-modified", records.stream().map(r -> r.updatedAt).max(Comparator.naturalOrder())
                .map(t -> t.withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))
                .orElse("2026-01-01T00:00:00Z"));
        metadata.put("version", fingerprint.substring(0, 8));
        metadata.put("oscal-version", OscalCatalog.OSCAL_VERSION);
        metadata.put("remarks", "OSCAL 1.0.6 has no mapping-collection model; this profile carries the mappings instead. Each "
                + "selected control gets one '" + MAPPED_FROM + "' prop per knowledge-base record that maps to it: value = record id, "
                + "class = relationship (supports | equivalent | subset-of), remarks = basis (disa-srg: DISA Container Platform SRG "
                + "through the DISA CCI list; sp800-190-appendix-b: NIST SP 800-190 Appendix B; kb-inference: this knowledge base's "
                + "own inference, never NIST's or DISA's) and source. The catalog export (/api/v1/oscal/catalog) carries the same "
                + "rows as '" + PROP + "' props on its controls.");
        ObjectNode imp = profile.putArray("imports").addObject();
        imp.put("href", NIST_REV5_CATALOG);
        ArrayNode ids = imp.putArray("include-controls").addObject().putArray("with-ids");
        byControl.keySet().forEach(c -> ids.add(c.substring(c.indexOf(':') + 1)));
        profile.putObject("merge").put("as-is", true);
        ArrayNode alters = profile.putObject("modify").putArray("alters");
        byControl.forEach((control, rows) -> {
            ObjectNode alter = alters.addObject();
            alter.put("control-id", control.substring(control.indexOf(':') + 1));
            ObjectNode add = alter.putArray("adds").addObject();
            add.put("position", "ending");
            ArrayNode props = add.putArray("props");
            rows.stream().sorted(Comparator.comparing(Row::recordId)).forEach(row -> props.addObject().put("name", MAPPED_FROM)
                    .put("ns", namespace).put("value", row.recordId()).put("class", row.relationship()).put("remarks", row.remarks()));
            KbRecord c = controls.get(control);
            if (c != null) {
                add.putArray("links").addObject().put("href", "/controls/" + control).put("rel", "related").put("text", c.title);
            }
        });
        return root;
    }
}
