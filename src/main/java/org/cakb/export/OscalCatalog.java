package org.cakb.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.cakb.catalog.CatalogService;
import org.cakb.catalog.Citation;
import org.cakb.catalog.ContentLoaded;
import org.cakb.catalog.KbRecord;
import org.cakb.catalog.Link;
import org.cakb.catalog.RecordKind;
import org.cakb.common.StableUuid;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The knowledge base as an OSCAL 1.0.6 catalog: a group per NISTIR 8176 area and per SP 800-190 §4 section,
 * a control per requirement (statement, assessment and provenance), the countermeasures that satisfy it as
 * guidance parts with their recommendations, platform defaults and probes, and the sources in back-matter.
 * UUIDs are name-based, so exporting unchanged content gives an identical document.
 */
@ApplicationScoped
public class OscalCatalog {

    @Inject
    CatalogService catalogService;

    public static final String OSCAL_VERSION = "1.0.6";

    /** SP 800-190 §4 section titles (read in the StackRox transcription of SP 800-190; see source:sp-800-190). */
    private static final Map<String, String> SP800_190_SECTIONS = Map.of(
            "4.1", "Image Countermeasures", "4.2", "Registry Countermeasures", "4.3", "Orchestrator Countermeasures",
            "4.4", "Container Countermeasures", "4.5", "Host OS Countermeasures", "4.6", "Hardware Countermeasures");

    @Inject
    ObjectMapper json;
    @Inject
    OscalControlMappings mappings;

    @ConfigProperty(name = "cakb.oscal.namespace", defaultValue = "https://container-assurance-kb.invalid/ns/oscal")
    String namespace;

    private volatile String cached;

    void contentChanged(@Observes ContentLoaded event) {
        cached = null;
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public String document() {
        String document = cached;
        if (document == null) {
            document = build().toString();
            cached = document;
        }
        return document;
    }

    private ObjectNode build() {
        CatalogService.Snapshot snapshot = catalogService.snapshot();
        List<KbRecord> records = snapshot.records();
        Map<String, KbRecord> byId = records.stream().collect(Collectors.toMap(r -> r.id, Function.identity()));
        List<Link> links = snapshot.links();
        Map<String, List<Citation>> citations = snapshot.citations().stream()
                .sorted(Comparator.comparing((Citation c) -> c.recordId).thenComparing(c -> c.position))
                .collect(Collectors.groupingBy(c -> c.recordId, LinkedHashMap::new, Collectors.toList()));
        Graph graph = new Graph(links, byId);

        ObjectNode root = json.createObjectNode();
        ObjectNode catalog = root.putObject("catalog");
        String fingerprint = fingerprint(records);
        catalog.put("uuid", StableUuid.of("oscal-catalog:" + fingerprint).toString());
        ObjectNode metadata = catalog.putObject("metadata");
        metadata.put("title", "Container Assurance KB: NISTIR 8176, SP 800-190 and DISA Container Platform SRG requirements for Linux containers");
        metadata.put("last-modified", timestamp(records.stream().map(r -> r.updatedAt).max(Comparator.naturalOrder()).orElse(OffsetDateTime.now())));
        metadata.put("version", fingerprint.substring(0, 12));
        metadata.put("oscal-version", OSCAL_VERSION);
        metadata.put("remarks", "Requirement provenance is given by the prop 'provenance' (quoted: verbatim NIST text; paraphrased; "
                + "derived: this knowledge base's statement built from the cited sources). NISTIR 8176's own requirement text was "
                + "not available to the authors, so its assurance requirements here are derived.");

        List<KbRecord> requirements = records.stream().filter(r -> r.kind == RecordKind.REQUIREMENT)
                .sorted(Comparator.comparing(r -> r.id)).toList();
        ArrayNode groups = catalog.putArray("groups");
        groups.add(nistirGroup(requirements, graph, citations));
        groups.add(sp800190Group(requirements, graph, citations));
        groups.add(srgGroup(requirements, graph, citations));

        ArrayNode resources = catalog.putObject("back-matter").putArray("resources");
        records.stream().filter(r -> r.kind == RecordKind.SOURCE).sorted(Comparator.comparing(r -> r.id)).forEach(source -> {
            ObjectNode resource = resources.addObject();
            resource.put("uuid", resourceUuid(source.id));
            resource.put("title", source.title);
            props(resource, "kb-id", source.id, "publisher", source.attribute("publisher"), "published", source.attribute("published"));
            resource.putObject("citation").put("text", source.title + (source.attribute("publisher") == null ? "" : ", " + source.attribute("publisher"))
                    + (source.attribute("published") == null ? "" : ", " + source.attribute("published")));
            if (source.attribute("url") != null) {
                resource.putArray("rlinks").addObject().put("href", source.attribute("url"));
            }
        });
        return root;
    }

    private ObjectNode nistirGroup(List<KbRecord> requirements, Graph graph, Map<String, List<Citation>> citations) {
        ObjectNode group = json.createObjectNode();
        group.put("id", "nistir8176");
        group.put("class", "document");
        group.put("title", "NISTIR 8176: Security Assurance Requirements for Linux Application Container Deployments");
        ArrayNode parts = group.putArray("parts");
        requirements.stream().filter(r -> "component".equals(r.attribute("category"))).forEach(component -> {
            ObjectNode part = parts.addObject();
            part.put("id", token(component.id));
            part.put("name", "component");
            part.put("title", component.title);
            provenance(part, component);
            part.put("prose", component.body);
        });
        ArrayNode areas = group.putArray("groups");
        requirements.stream().filter(r -> "area".equals(r.attribute("category"))).forEach(area -> {
            ObjectNode areaGroup = areas.addObject();
            areaGroup.put("id", token(area.id));
            areaGroup.put("class", "area");
            areaGroup.put("title", area.title);
            props(areaGroup, "kb-id", area.id);
            provenance(areaGroup, area);
            references(areaGroup, citations.get(area.id));
            ObjectNode overview = areaGroup.putArray("parts").addObject();
            overview.put("id", token(area.id) + "_ovw");
            overview.put("name", "overview");
            overview.put("prose", area.body);
            ArrayNode controls = areaGroup.putArray("controls");
            requirements.stream()
                    .filter(r -> "assurance-requirement".equals(r.attribute("category")) && area.id.equals(r.attribute("area")))
                    .forEach(r -> controls.add(control(r, graph, citations)));
        });
        return group;
    }

    private ObjectNode sp800190Group(List<KbRecord> requirements, Graph graph, Map<String, List<Citation>> citations) {
        ObjectNode group = json.createObjectNode();
        group.put("id", "sp800-190");
        group.put("class", "document");
        group.put("title", "NIST SP 800-190: Application Container Security Guide, section 4 countermeasures");
        ArrayNode sections = group.putArray("groups");
        Map<String, List<KbRecord>> bySection = requirements.stream().filter(r -> "countermeasure".equals(r.attribute("category")))
                .collect(Collectors.groupingBy(r -> sectionOf(r.attribute("section")), java.util.TreeMap::new, Collectors.toList()));
        bySection.forEach((section, members) -> {
            ObjectNode sectionGroup = sections.addObject();
            sectionGroup.put("id", "sp800-190-" + section);
            sectionGroup.put("class", "section");
            sectionGroup.put("title", section + " " + SP800_190_SECTIONS.getOrDefault(section, "Countermeasures"));
            ArrayNode controls = sectionGroup.putArray("controls");
            members.forEach(r -> controls.add(control(r, graph, citations)));
        });
        return group;
    }

    /** The DISA Container Platform SRG requirements; SRG ids, severity and CCIs as props (V1R3, see source:disa-container-platform-srg). */
    private ObjectNode srgGroup(List<KbRecord> requirements, Graph graph, Map<String, List<Citation>> citations) {
        ObjectNode group = json.createObjectNode();
        group.put("id", "disa-container-platform-srg");
        group.put("class", "document");
        group.put("title", "DISA Container Platform Security Requirements Guide, V1R3 (selected requirements)");
        ArrayNode controls = group.putArray("controls");
        requirements.stream().filter(r -> "srg-requirement".equals(r.attribute("category"))).forEach(r -> {
            ObjectNode control = control(r, graph, citations);
            Map<?, ?> srg = (Map<?, ?>) r.attributes.getOrDefault("srg", Map.of());
            props(control, "srg-id", (String) srg.get("srg_id"), "vuln-id", (String) srg.get("group_id"),
                    "rule-id", (String) srg.get("rule_id"), "severity", (String) srg.get("severity"));
            for (Object cci : (List<?>) (srg.containsKey("cci") ? srg.get("cci") : List.of())) {
                props(control, "cci", cci.toString());
            }
            controls.add(control);
        });
        return group;
    }

    private ObjectNode control(KbRecord requirement, Graph graph, Map<String, List<Citation>> citations) {
        String id = token(requirement.id);
        ObjectNode control = json.createObjectNode();
        control.put("id", id);
        control.put("class", requirement.attribute("category"));
        control.put("title", requirement.title);
        props(control, "kb-id", requirement.id, "label", requirement.attribute("section"), "area", requirement.attribute("area"));
        provenance(control, requirement);
        mappings.addProps(control, requirement);
        ArrayNode links = references(control, citations.get(requirement.id));
        graph.targets(requirement.id, "derived-from").forEach(parent -> {
            if (parent.kind == RecordKind.REQUIREMENT && !"area".equals(parent.attribute("category"))) {
                links.addObject().put("href", "#" + token(parent.id)).put("rel", "derived-from");
            }
        });
        if (links.isEmpty()) {
            control.remove("links");
        }
        ArrayNode parts = control.putArray("parts");
        ObjectNode statement = parts.addObject();
        statement.put("id", id + "_smt");
        statement.put("name", "statement");
        statement.put("prose", requirement.body);
        if (requirement.attribute("verification") != null) {
            ObjectNode assessment = parts.addObject();
            assessment.put("id", id + "_asm");
            assessment.put("name", "assessment");
            assessment.put("prose", requirement.attribute("verification"));
        }
        for (KbRecord cm : graph.sources(requirement.id, "satisfies")) {
            parts.add(guidance(id, cm, graph));
        }
        return control;
    }

    private ObjectNode guidance(String controlId, KbRecord cm, Graph graph) {
        String id = controlId + "_gdn_" + token(cm.id);
        ObjectNode part = json.createObjectNode();
        part.put("id", id);
        part.put("name", "guidance");
        part.put("class", "countermeasure");
        part.put("title", cm.title);
        props(part, "kb-id", cm.id, "layer", cm.attribute("layer"));
        provenance(part, cm);
        mappings.addProps(part, cm);
        part.put("prose", cm.body);
        ArrayNode sub = part.putArray("parts");
        for (KbRecord rec : graph.sources(cm.id, "recommends")) {
            ObjectNode p = sub.addObject();
            p.put("id", id + "_" + token(rec.id));
            p.put("name", "recommendation");
            p.put("title", rec.title);
            props(p, "kb-id", rec.id, "scope", rec.attribute("scope"));
            provenance(p, rec);
            p.put("prose", rec.body);
        }
        for (KbRecord def : graph.sources(cm.id, "for")) {
            ObjectNode p = sub.addObject();
            p.put("id", id + "_" + token(def.id));
            p.put("name", "platform-default");
            p.put("title", def.title);
            props(p, "kb-id", def.id, "platform", def.attribute("platform"), "versions", def.attribute("versions"),
                    "state", def.attribute("state"), "evidence", def.attribute("evidence"));
            p.put("prose", def.attribute("value") != null ? def.attribute("value") : def.body);
        }
        for (KbRecord probe : graph.sources(cm.id, "verifies")) {
            ObjectNode p = sub.addObject();
            p.put("id", id + "_" + token(probe.id));
            p.put("name", "probe");
            p.put("title", probe.title);
            props(p, "kb-id", probe.id, "vantage", probe.attribute("vantage"));
            p.put("prose", probe.body);
        }
        if (sub.isEmpty()) {
            part.remove("parts");
        }
        return part;
    }

    private ArrayNode references(ObjectNode target, List<Citation> citations) {
        ArrayNode links = target.putArray("links");
        if (citations != null) {
            for (Citation c : citations) {
                links.addObject().put("href", "#" + resourceUuid(c.sourceId)).put("rel", "reference").put("text", c.locator);
            }
        }
        return links;
    }

    private void provenance(ObjectNode target, KbRecord record) {
        if (record.provenance != null) {
            ArrayNode props = target.has("props") ? (ArrayNode) target.get("props") : target.putArray("props");
            props.addObject().put("name", "provenance").put("ns", namespace).put("value", record.provenance);
        }
    }

    private void props(ObjectNode target, String... nameValues) {
        ArrayNode props = target.has("props") ? (ArrayNode) target.get("props") : target.putArray("props");
        for (int i = 0; i < nameValues.length; i += 2) {
            if (nameValues[i + 1] != null && !nameValues[i + 1].isBlank()) {
                props.addObject().put("name", nameValues[i]).put("ns", namespace).put("value", nameValues[i + 1]);
            }
        }
        if (props.isEmpty()) {
            target.remove("props");
        }
    }

    /** OSCAL ids are XML NCNames: our ids' ':' and '/' become '-'. The original id is kept in the kb-id prop. */
    static String token(String id) {
        String token = id.replaceAll("[^A-Za-z0-9._-]", "-");
        return Character.isLetter(token.charAt(0)) || token.charAt(0) == '_' ? token : "_" + token;
    }

    private static String resourceUuid(String sourceId) {
        return StableUuid.of("resource:" + sourceId).toString();
    }

    private static String sectionOf(String section) {
        if (section == null) {
            return "4";
        }
        String[] parts = section.split("\\.");
        return parts.length >= 2 ? parts[0] + "." + parts[1] : section;
    }

    private static String timestamp(OffsetDateTime time) {
        return time.withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }

    private static String fingerprint(List<KbRecord> records) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            records.stream().sorted(Comparator.comparing(r -> r.id))
                    .forEach(r -> digest.update((r.id + ":" + r.contentHash + "\n").getBytes(StandardCharsets.UTF_8)));
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The link table indexed both ways, restricted to active records. */
    private static final class Graph {
        private final Map<String, List<Link>> outgoing;
        private final Map<String, List<Link>> incoming;
        private final Map<String, KbRecord> byId;

        Graph(List<Link> links, Map<String, KbRecord> byId) {
            this.byId = byId;
            this.outgoing = links.stream().collect(Collectors.groupingBy(l -> l.fromId));
            this.incoming = links.stream().collect(Collectors.groupingBy(l -> l.toId));
        }

        List<KbRecord> targets(String id, String relation) {
            return resolve(outgoing.getOrDefault(id, List.of()), relation, l -> l.toId);
        }

        List<KbRecord> sources(String id, String relation) {
            return resolve(incoming.getOrDefault(id, List.of()), relation, l -> l.fromId);
        }

        private List<KbRecord> resolve(List<Link> links, String relation, Function<Link, String> end) {
            List<KbRecord> result = new ArrayList<>();
            links.stream().filter(l -> l.relation.equals(relation)).map(end).sorted().distinct()
                    .map(byId::get).filter(java.util.Objects::nonNull).forEach(result::add);
            return result;
        }
    }
}
