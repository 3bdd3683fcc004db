package org.cakb.web;

import org.cakb.pagecopies.SlottedPage;

import org.cakb.common.DomainException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.RawString;
import io.quarkus.qute.TemplateInstance;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.cakb.catalog.CatalogService;
import org.cakb.catalog.Filter;
import org.cakb.catalog.LinkRule;
import org.cakb.catalog.RecordKind;
import org.cakb.catalog.RecordViews;
import org.cakb.catalog.SearchService;
import org.cakb.common.ApiException;
import org.cakb.common.PageOf;
import org.cakb.fleet.FleetHistory;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/** The browser UI: server-rendered pages over the knowledge base, readable without JavaScript. */
@Path("/")
@Produces(MediaType.TEXT_HTML)
public class Pages {

    static final String KINDS = "sources|requirements|threats|countermeasures|recommendations|platforms|platform-defaults|probes|controls";
    static final int PAGE_SIZE = 50;
    static final int SEARCH_LIMIT = 50;
    private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE;

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance home(List<Views.KindCount> kinds, List<Views.Count> sources, List<Views.RecordRef> areas,
                                            List<Views.Group> threats, List<Views.RecordRef> platforms, long total);

        static native TemplateInstance list(Views.Kind kind, List<Views.FilterField> filters, List<Views.ListItem> items,
                                            Views.Pager pager, String error, boolean filtered);

        static native TemplateInstance detail(Views.Kind kind, RecordViews.Detail record, List<String> paragraphs,
                                              Views.Provenance provenance, List<Views.Attr> attributes,
                                              List<Views.CitationItem> citations, List<Views.CitationItem> quotes,
                                              List<Views.LinkGroup> links, List<Views.Group> trace, TraceGraph graph,
                                              String check, String updated, String withdrawnAt, PlatformComparison defaults,
                                              List<ControlMappingQueries.Mapping> mappings, ControlMappingQueries.SrgRule srg);

        /** The per-user fleet coverage box of a countermeasure or requirement page (see {@link PersonalParts}). */
        static native TemplateInstance coverage(String kind, FleetHistory.Coverage coverage);

        /** The per-user evidence box of a control page: fleet coverage and the assessments' standing on the control. */
        static native TemplateInstance controlEvidence(FleetHistory.Coverage coverage, List<org.cakb.catalog.ControlAssessments.Standing> standings);

        static native TemplateInstance trace(Views.RecordRef record, Views.Kind kind, List<Views.Group> trace, TraceGraph graph);

        static native TemplateInstance matrix(Matrix matrix, List<Views.Option> areas, List<Views.Option> layers,
                                              List<Views.Option> platforms,
                                              String groupBy, boolean all, boolean filtered);

        static native TemplateInstance search(String q, String qParam, String message, List<Views.KindCount> kinds, Views.Kind kind,
                                              long total, long allKinds, List<Views.SearchHit> hits, boolean tooMany);

        static native TemplateInstance notFound(String message, Views.RecordRef suggestion);
    }

    @Inject
    CatalogService catalog;
    @Inject
    KbPageQueries web;
    @Inject
    PlatformComparisonQueries platformComparisons;
    @Inject
    ControlMappingQueries controlMappings;
    @Inject
    SearchService searchService;
    @Inject
    PageCache cache;
    @Inject
    PersonalParts parts;
    @Inject
    ObjectMapper json;
    @ConfigProperty(name = "cakb.content.dir")
    java.nio.file.Path contentDir;

    private final Map<RecordKind, JsonNode> schemas = new ConcurrentHashMap<>();

    // ---------------------------------------------------------------- home

    @GET
    public Response home(@Context HttpServerRequest request) {
        Response hit = cached(request);
        if (hit != null) {
            return hit;
        }
        PageCache.Version version = cache.version();
        Map<RecordKind, Long> counts = catalog.countsByKind();
        List<Views.KindCount> kinds = counts.entrySet().stream()
                .map(e -> new Views.KindCount(Views.Kind.of(e.getKey()), e.getValue(), "/" + e.getKey().plural, false)).toList();
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        List<Views.Group> threats = web.threatsByCategory().entrySet().stream()
                .map(e -> new Views.Group(e.getKey().replace('-', ' '), "/threats?category=" + Paths.query(e.getKey()), e.getValue()))
                .toList();
        return page(request, version, Templates.home(kinds, web.recordsPerSource(), web.areas(), threats,
                web.refs(RecordKind.PLATFORM), total));
    }

    // ---------------------------------------------------------------- lists

    @GET
    @Path("{kind: " + KINDS + "}")
    public Response list(@PathParam("kind") String plural, @QueryParam("page") String pageParam,
                         @QueryParam("status") String status, @QueryParam("provenance") String provenance,
                         @Context UriInfo uri, @Context HttpServerRequest request) {
        Response hit = cached(request);
        if (hit != null) {
            return hit;
        }
        PageCache.Version version = cache.version();
        RecordKind kind = RecordKind.fromPlural(plural).orElseThrow();
        Map<String, String> filters = new LinkedHashMap<>();
        for (Filter f : Filter.forKind(kind)) {
            String value = uri.getQueryParameters().getFirst(f.param());
            if (value != null && !value.isBlank()) {
                filters.put(f.param(), value.strip());
            }
        }
        String effectiveStatus = blankToNull(status) == null ? "active" : status.strip();
        String effectiveProvenance = blankToNull(provenance);
        int page = 1;
        String error = null;
        try {
            page = pageParam == null || pageParam.isBlank() ? 1 : Integer.parseInt(pageParam.strip());
        } catch (NumberFormatException e) {
            error = "The page number must be a whole number.";
        }
        List<Views.ListItem> items = List.of();
        Views.Pager pager = new Views.Pager(1, 0, 0, null, null, List.of());
        if (error == null) {
            try {
                PageOf<RecordViews.Summary> result = catalog.list(kind, filters, effectiveProvenance, effectiveStatus, page, PAGE_SIZE);
                items = result.items().stream().map(s -> new Views.ListItem(
                        Views.RecordRef.of(s.id(), s.kind(), s.title(), s.status()), Views.Provenance.of(s.provenance()),
                        facts(kind, s.attributes()))).toList();
                pager = pager(uri, result);
            } catch (DomainException e) {
                error = e.getMessage();
            }
        }
        List<Views.FilterField> fields = filterFields(kind, filters, effectiveProvenance, effectiveStatus);
        boolean filtered = !filters.isEmpty() || effectiveProvenance != null || !"active".equals(effectiveStatus);
        TemplateInstance html = Templates.list(Views.Kind.of(kind), fields, items, pager, error, filtered);
        return error == null ? page(request, version, html) : uncached(400, html);
    }

    private Views.Pager pager(UriInfo uri, PageOf<?> result) {
        List<Views.PageLink> links = new ArrayList<>();
        for (int i = 1; i <= result.pages(); i++) {
            if (i == 1 || i == result.pages() || Math.abs(i - result.page()) <= 2) {
                links.add(new Views.PageLink(i, pageHref(uri, i), i == result.page()));
            }
        }
        return new Views.Pager(result.page(), result.pages(), result.total(),
                result.page() > 1 ? pageHref(uri, result.page() - 1) : null,
                result.page() < result.pages() ? pageHref(uri, result.page() + 1) : null, links);
    }

    private static String pageHref(UriInfo uri, int page) {
        StringBuilder href = new StringBuilder(uri.getPath()).append("?");
        uri.getQueryParameters().forEach((name, values) -> {
            if (!name.equals("page")) {
                for (String v : values) {
                    if (v != null && !v.isBlank()) {
                        href.append(Paths.query(name)).append('=').append(Paths.query(v)).append('&');
                    }
                }
            }
        });
        return href.append("page=").append(page).toString();
    }

    private List<Views.FilterField> filterFields(RecordKind kind, Map<String, String> values, String provenance, String status) {
        List<Views.FilterField> fields = new ArrayList<>();
        JsonNode schema = schema(kind);
        for (Filter f : Filter.forKind(kind)) {
            String value = values.get(f.param());
            String label = humanize(f.param());
            if (f.param().equals("area")) {
                fields.add(select(f.param(), "NISTIR 8176 area", value, web.areaOptions(value)));
                continue;
            }
            if (f.param().equals("platform")) {
                fields.add(select(f.param(), label, value, web.platformOptions(value)));
                continue;
            }
            JsonNode property = schema.path("properties").path(f.attribute());
            JsonNode allowed = property.has("enum") ? property.get("enum") : property.path("items").path("enum");
            if ("boolean".equals(property.path("type").asText())) {
                fields.add(select(f.param(), label, value, options(List.of("true", "false"), value)));
            } else if (allowed.isArray() && !allowed.isEmpty()) {
                List<String> enumValues = new ArrayList<>();
                allowed.forEach(v -> enumValues.add(v.asText()));
                fields.add(select(f.param(), label, value, options(enumValues, value)));
            } else {
                fields.add(new Views.FilterField(f.param(), label + " (id)", false, value == null ? "" : value, List.of()));
            }
        }
        if (Set.of(RecordKind.REQUIREMENT, RecordKind.THREAT, RecordKind.COUNTERMEASURE, RecordKind.RECOMMENDATION,
                RecordKind.PLATFORM_DEFAULT).contains(kind)) {
            fields.add(select("provenance", "Provenance", provenance, options(List.of("quoted", "paraphrased", "derived"), provenance)));
        }
        List<Views.Option> statuses = List.of(new Views.Option("active", "active", "active".equals(status)),
                new Views.Option("withdrawn", "withdrawn", "withdrawn".equals(status)),
                new Views.Option("all", "all", "all".equals(status)));
        fields.add(new Views.FilterField("status", "Status", true, status, statuses));
        return fields;
    }

    private static Views.FilterField select(String param, String label, String value, List<Views.Option> options) {
        List<Views.Option> all = new ArrayList<>();
        all.add(new Views.Option("", "any", value == null));
        all.addAll(options);
        return new Views.FilterField(param, label, true, value == null ? "" : value, all);
    }

    private static List<Views.Option> options(List<String> values, String selected) {
        return values.stream().map(v -> new Views.Option(v, v.replace('-', ' '), v.equals(selected))).toList();
    }

    private static final Map<RecordKind, List<String>> FACTS = Map.of(
            RecordKind.SOURCE, List.of("publisher", "document_type", "published"),
            RecordKind.REQUIREMENT, List.of("section", "category"),
            RecordKind.THREAT, List.of("category", "attack_techniques"),
            RecordKind.COUNTERMEASURE, List.of("layer"),
            RecordKind.RECOMMENDATION, List.of("scope"),
            RecordKind.PLATFORM, List.of("vendor", "lifecycle"),
            RecordKind.PLATFORM_DEFAULT, List.of("versions", "state", "evidence"),
            RecordKind.PROBE, List.of("vantage", "severity"),
            RecordKind.CONTROL, List.of("control_id", "family_title"));

    private static List<String> facts(RecordKind kind, Map<String, Object> attributes) {
        List<String> facts = new ArrayList<>();
        for (String key : FACTS.getOrDefault(kind, List.of())) {
            Object v = attributes.get(key);
            if (v != null) {
                facts.add(text(v));
            }
        }
        return facts;
    }

    // ---------------------------------------------------------------- detail

    @GET
    @Path("{kind: " + KINDS + "}/{id: .+}")
    public Response detail(@PathParam("kind") String plural, @PathParam("id") String id, @Context HttpServerRequest request) {
        Response hit = cached(request);
        if (hit != null) {
            return hit;
        }
        PageCache.Version version = cache.version();
        RecordKind kind = RecordKind.fromPlural(plural).orElseThrow();
        RecordViews.Detail record;
        try {
            record = catalog.get(kind, id);
        } catch (DomainException e) {
            return notFound(id);
        }
        List<Views.CitationItem> citations = record.citations().stream().map(c -> new Views.CitationItem(c.source(),
                c.sourceTitle(), Paths.record("source", c.source()), c.url(), c.locator(), c.quote(), c.note())).toList();
        List<Views.CitationItem> quotes = "quoted".equals(record.provenance())
                ? citations.stream().filter(c -> c.quote() != null && !c.quote().isBlank()).toList() : List.of();
        Views.RecordRef self = Views.RecordRef.of(record.id(), record.kind(), record.title(), record.status());
        List<Views.Group> trace = traceGroups(record.trace());
        TraceGraph graph = graph(self, record.trace());
        String check = null;
        Object checkValue = record.attributes().get("check");
        if (checkValue != null) {
            try {
                check = json.writerWithDefaultPrettyPrinter().writeValueAsString(checkValue);
            } catch (JsonProcessingException e) {
                check = String.valueOf(checkValue);
            }
        }
        TemplateInstance html = Templates.detail(Views.Kind.of(kind), record, paragraphs(record.body()),
                Views.Provenance.of(record.provenance()), attributes(kind, record.attributes()), citations, quotes,
                linkGroups(record.links()), trace, graph, check,
                record.updatedAt() == null ? null : DAY.format(record.updatedAt()),
                record.withdrawnAt() == null ? null : DAY.format(record.withdrawnAt()),
                kind == RecordKind.PLATFORM ? platformComparisons.of(record.id()) : null,
                controlMappings.of(kind, record.id()), ControlMappingQueries.SrgRule.of(record.attributes().get("srg")));
        boolean covered = kind == RecordKind.COUNTERMEASURE || kind == RecordKind.REQUIREMENT || kind == RecordKind.CONTROL;
        return page(request, version, html, covered ? kind.code + ":" + record.id() : null);
    }

    // ---------------------------------------------------------------- trace

    @GET
    @Path("trace/{id: .+}")
    public Response trace(@PathParam("id") String id, @Context HttpServerRequest request) {
        Response hit = cached(request);
        if (hit != null) {
            return hit;
        }
        PageCache.Version version = cache.version();
        Views.RecordRef self = web.ref(id);
        if (self == null) {
            return notFound(id);
        }
        Map<String, List<RecordViews.Ref>> neighbourhood = catalog.trace(id);
        return page(request, version, Templates.trace(self, Views.Kind.ofCode(self.kind()), traceGroups(neighbourhood),
                graph(self, neighbourhood)));
    }

    private TraceGraph graph(Views.RecordRef self, Map<String, List<RecordViews.Ref>> neighbourhood) {
        List<Views.RecordRef> refs = neighbourhood.values().stream().flatMap(Collection::stream)
                .map(r -> Views.RecordRef.of(r.id(), r.kind(), r.title(), r.status())).toList();
        List<String> ids = new ArrayList<>();
        ids.add(self.id());
        refs.forEach(r -> ids.add(r.id()));
        return TraceGraph.layout(self, refs, web.linksAmong(ids));
    }

    private static List<Views.Group> traceGroups(Map<String, List<RecordViews.Ref>> trace) {
        List<Views.Group> groups = new ArrayList<>();
        trace.forEach((plural, refs) -> {
            RecordKind kind = RecordKind.fromPlural(plural).orElseThrow();
            groups.add(new Views.Group(Views.Kind.of(kind).heading(), "/" + plural,
                    refs.stream().map(r -> Views.RecordRef.of(r.id(), r.kind(), r.title(), r.status())).toList()));
        });
        groups.sort((a, b) -> Integer.compare(order(a.title()), order(b.title())));
        return groups;
    }

    private static int order(String heading) {
        for (int i = 0; i < TraceGraph.ORDER.size(); i++) {
            if (Views.Kind.ofCode(TraceGraph.ORDER.get(i)).heading().equals(heading)) {
                return i;
            }
        }
        return 99;
    }

    // ---------------------------------------------------------------- matrix

    @GET
    @Path("matrix")
    public Response matrix(@QueryParam("area") String area, @QueryParam("layer") String layer,
                           @QueryParam("platform") String platform,
                           @QueryParam("group") String group, @QueryParam("all") String all,
                           @Context HttpServerRequest request) {
        Response hit = cached(request);
        if (hit != null) {
            return hit;
        }
        PageCache.Version version = cache.version();
        String areaId = blankToNull(area);
        String layerValue = blankToNull(layer);
        String groupBy = "layer".equals(group) || "family".equals(group) ? group : "area";
        boolean allRows = "1".equals(all) || "true".equals(all);
        String platformId = blankToNull(platform);
        Matrix matrix = web.matrix(areaId, layerValue, platformId, groupBy, !allRows);
        List<Views.Option> layers = options(List.of("hardware", "kernel", "runtime", "image", "registry", "orchestrator", "host"),
                layerValue);
        return page(request, version, Templates.matrix(matrix, web.areaOptions(areaId), layers,
                web.platformOptions(platformId), groupBy, allRows, areaId != null || layerValue != null || platformId != null));
    }

    // ---------------------------------------------------------------- search

    @GET
    @Path("search")
    public Response search(@QueryParam("q") String q, @QueryParam("kind") String kindParam, @Context HttpServerRequest request) {
        Response hit = cached(request);
        if (hit != null) {
            return hit;
        }
        PageCache.Version version = cache.version();
        String query = q == null ? "" : q.strip();
        RecordKind kind = blankToNull(kindParam) == null ? null
                : RecordKind.fromCode(kindParam.strip()).or(() -> RecordKind.fromPlural(kindParam.strip())).orElse(null);
        Views.Kind kindView = kind == null ? null : Views.Kind.of(kind);
        if (query.isEmpty()) {
            return page(request, version, Templates.search("", "", "Type a few words, or a record id such as cm:seccomp-filter.",
                    kindCounts(null, null), kindView, 0, 0, List.of(), false));
        }
        if (query.length() > SearchService.MAX_QUERY_LENGTH) {
            return uncached(200, Templates.search(query.substring(0, SearchService.MAX_QUERY_LENGTH), "",
                    "That query is " + query.length() + " characters long; please use at most "
                            + SearchService.MAX_QUERY_LENGTH + ".", kindCounts(null, null), kindView, 0, 0, List.of(), false));
        }
        SearchService.Result result = searchService.search(query, kind == null ? null : kind.code, SEARCH_LIMIT);
        List<Views.SearchHit> hits = result.hits().stream().map(h -> new Views.SearchHit(
                Views.RecordRef.of(h.id(), h.kind(), h.title(), h.status()), Views.Provenance.of(h.provenance()), h.exactId(),
                highlight(h.snippet()))).toList();
        long allKinds = result.countsByKind().values().stream().mapToLong(Long::longValue).sum();
        return page(request, version, Templates.search(query, Paths.query(query), null, kindCounts(result.countsByKind(), kind), kindView,
                result.total(), allKinds, hits, result.total() > hits.size()));
    }

    private static List<Views.KindCount> kindCounts(Map<String, Long> counts, RecordKind selected) {
        return Arrays.stream(RecordKind.values())
                .map(k -> new Views.KindCount(Views.Kind.of(k), counts == null ? 0 : counts.getOrDefault(k.code, 0L), k.code, k == selected))
                .toList();
    }

    /** Escapes the snippet, then turns the highlight sentinels into mark elements. */
    static RawString highlight(String snippet) {
        if (snippet == null) {
            return new RawString("");
        }
        String escaped = Html.escape(snippet);
        return new RawString(escaped.replace(String.valueOf(SearchService.START_SEL), "<mark>")
                .replace(String.valueOf(SearchService.STOP_SEL), "</mark>"));
    }

    // ---------------------------------------------------------------- helpers

    private Response notFound(String id) {
        Views.RecordRef elsewhere = web.ref(id);
        String message = elsewhere == null ? "There is no record with the id \u201c" + id + "\u201d."
                : "\u201c" + id + "\u201d is a " + Views.Kind.ofCode(elsewhere.kind()).label() + ", not listed here.";
        return uncached(404, Templates.notFound(message, elsewhere));
    }

    /** The shared page of this URL with this request's own parts, or null when it is not cached. */
    private Response cached(HttpServerRequest request) {
        PageCache.Entry entry = cache.get(request.uri());
        return entry == null ? null : respond(entry.page(), "hit");
    }

    private Response page(HttpServerRequest request, PageCache.Version version, TemplateInstance template) {
        return page(request, version, template, null);
    }

    /** Renders the shared part once (kept for everybody under this URL), then adds this request's own parts. */
    private Response page(HttpServerRequest request, PageCache.Version version, TemplateInstance template, String subject) {
        return respond(cache.put(request.uri(), version, template.render(), subject), "miss");
    }

    private Response respond(SlottedPage page, String cacheState) {
        PersonalParts.Person person = parts.person();
        Response.ResponseBuilder response = Response.ok(page.assemble(parts.filler(person, page.subject)), PageCache.HTML)
                .header("X-Page-Cache", cacheState);
        return (person == null ? response : response.header("Cache-Control", "private, no-store")).build();
    }

    private Response uncached(int status, TemplateInstance template) {
        String html = SlottedPage.fill(template.render(), parts.filler(parts.person(), null));
        return Response.status(status).type(PageCache.HTML).header("Cache-Control", "no-store").entity(html).build();
    }

    static List<String> paragraphs(String body) {
        if (body == null || body.isBlank()) {
            return List.of();
        }
        return Arrays.stream(body.strip().split("\\R\\s*\\R")).map(p -> p.strip().replaceAll("\\s*\\R\\s*", " "))
                .filter(p -> !p.isEmpty()).toList();
    }

    private static final Map<String, String> RELATION_LABELS = Map.ofEntries(
            Map.entry("derived-from", "Derived from"), Map.entry("derives", "Basis for"),
            Map.entry("in-area", "In NISTIR 8176 area"), Map.entry("area-includes", "Requirements in this area"),
            Map.entry("mitigated-by", "Mitigated by"), Map.entry("mitigates", "Mitigates"),
            Map.entry("addressed-by", "Addressed by"), Map.entry("addresses", "Addresses"),
            Map.entry("satisfies", "Satisfies"), Map.entry("satisfied-by", "Satisfied by"),
            Map.entry("recommends", "Recommends"), Map.entry("recommended-by", "Recommended by"),
            Map.entry("applies-to", "Applies to platform"), Map.entry("has-recommendation", "Recommendations for this platform"),
            Map.entry("default-of", "Default of platform"), Map.entry("has-default", "Platform defaults"),
            Map.entry("for", "Countermeasure"), Map.entry("platform-default", "Platform defaults"),
            Map.entry("verifies", "Verifies"), Map.entry("verified-by", "Verified by probes"),
            Map.entry("maps-to", "SP 800-53 controls"), Map.entry("mapped-from", "Supported by"));

    private static List<Views.LinkGroup> linkGroups(RecordViews.Links links) {
        List<Views.LinkGroup> groups = new ArrayList<>();
        if (links == null) {
            return groups;
        }
        group(groups, links.outgoing(), "outgoing");
        group(groups, links.incoming(), "incoming");
        return groups;
    }

    private static void group(List<Views.LinkGroup> groups, List<RecordViews.LinkView> links, String direction) {
        Map<String, List<Views.RecordRef>> byRelation = new LinkedHashMap<>();
        for (RecordViews.LinkView l : links) {
            byRelation.computeIfAbsent(l.relation(), k -> new ArrayList<>())
                    .add(Views.RecordRef.of(l.id(), l.kind(), l.title(), l.status()));
        }
        byRelation.forEach((relation, refs) -> groups.add(new Views.LinkGroup(relation,
                RELATION_LABELS.getOrDefault(relation, humanize(relation)), direction, refs)));
    }

    private static final Set<String> HIDDEN_ATTRIBUTES = Set.of("check", "srg");

    private static List<Views.Attr> attributes(RecordKind kind, Map<String, Object> attributes) {
        Set<String> linkFields = LinkRule.forKind(kind).stream().map(LinkRule::field).collect(Collectors.toSet());
        List<Views.Attr> result = new ArrayList<>();
        attributes.forEach((key, value) -> {
            if (linkFields.contains(key) || HIDDEN_ATTRIBUTES.contains(key) || value == null) {
                return;
            }
            String text = text(value);
            String label = humanize(key);
            if (value instanceof String s && s.matches("^https?://\\S+$")) {
                result.add(new Views.Attr(label, s, s, true, false));
            } else if (value instanceof String s && s.matches("^(source|platform|cm|threat|rec|probe|default):\\S+$")) {
                String kindCode = switch (s.substring(0, s.indexOf(':'))) {
                    case "source" -> "source";
                    case "platform" -> "platform";
                    case "cm" -> "countermeasure";
                    case "threat" -> "threat";
                    case "rec" -> "recommendation";
                    case "probe" -> "probe";
                    default -> "platform-default";
                };
                result.add(new Views.Attr(label, s, Paths.record(kindCode, s), false, true));
            } else {
                result.add(new Views.Attr(label, text, null, false, key.equals("attack_techniques") || key.equals("value")));
            }
        });
        return result;
    }

    static String text(Object value) {
        if (value instanceof Boolean b) {
            return b ? "yes" : "no";
        }
        if (value instanceof Collection<?> c) {
            return c.stream().map(Pages::text).collect(Collectors.joining(", "));
        }
        return String.valueOf(value);
    }

    static String humanize(String key) {
        String s = key.replace('_', ' ').replace('-', ' ');
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private JsonNode schema(RecordKind kind) {
        return schemas.computeIfAbsent(kind, k -> {
            try {
                return json.readTree(contentDir.resolve("schema/" + k.code + ".schema.json").toFile());
            } catch (IOException e) {
                return json.createObjectNode();
            }
        });
    }
}
