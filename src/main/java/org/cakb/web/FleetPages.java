package org.cakb.web;

import org.cakb.pagecopies.SlottedPage;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import org.cakb.common.ApiException;
import org.cakb.common.DomainException;
import org.cakb.common.ErrorStatus;
import org.cakb.common.QueryParams;
import org.cakb.export.Csv;
import org.cakb.fleet.ContainerQueries;
import org.cakb.security.Roles;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * Fleet views that answer "where does this fail?": the hosts and containers where a probe, or any probe verifying a
 * countermeasure, fails now (filterable by runtime and host label; 100 rows a page with the counts of all, and a CSV of
 * every row), and the drift page (pass to fail anywhere).
 * Per-host data: signed-in roles only, never cached.
 */
@Path("/fleet")
@RolesAllowed({Roles.VIEWER, Roles.ASSESSOR, Roles.ADMIN})
public class FleetPages {

    /** Rows on a page (the counts cover all; the CSV has every row, up to CSV_LIMIT). */
    static final int PAGE_SIZE = 100;
    static final int CSV_LIMIT = 100_000;
    static final int DRIFT_DAYS = 7;

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance failing(String kind, String recordId, String status, String runtime, String label,
                                               List<Row> rows, long total, long hosts, long containers, String csv, Pager pager);

        static native TemplateInstance drift(List<ContainerQueries.DriftEvent> events, int days);

        static native TemplateInstance badRequest(String message);
    }

    /** One host or container where the record has the status. */
    public record Row(String host, String hostHref, String where, String whereHref, String runtime, String image, String checkId,
                      String observed, String since) {
    }

    /** Where a page of rows sits among all of them, and the links to its neighbours (null when there is none). */
    public record Pager(int page, long pages, long first, long last, String previous, String next) {
    }

    @Inject
    ContainerQueries queries;
    @Inject
    FleetPageCopies copies;
    @Inject
    PersonalParts parts;

    @GET
    @Path("failing")
    @Produces(MediaType.TEXT_HTML)
    public Response failing(@QueryParam("probe") String probe, @QueryParam("countermeasure") String countermeasure,
                            @QueryParam("status") String status, @QueryParam("runtime") String runtime, @QueryParam("label") String label,
                            @QueryParam("page") String pageParam, @jakarta.ws.rs.core.Context io.vertx.core.http.HttpServerRequest request) {
        org.cakb.pagecopies.Revisions.Snapshot snapshot = copies.beginFleet(); // before any read of the page
        Query q;
        int page;
        ContainerQueries.WherePage found;
        try {
            q = query(probe, countermeasure, status, runtime, label);
            page = pageParam == null || pageParam.isBlank() ? 1 : QueryParams.page(pageParam);
            found = queries.wherePage(q.kind, q.id, q.status, q.runtime, q.label, page, PAGE_SIZE);
        } catch (DomainException e) {
            return badRequest(e);
        }
        List<Row> rows = found.rows().stream().map(w -> new Row(w.host(), "/hosts/" + w.hostId(),
                w.container() == null ? "(host)" : w.container(),
                w.containerSubjectId() == null ? "/hosts/" + w.hostId() : "/hosts/" + w.hostId() + "/containers/" + w.containerSubjectId(),
                w.runtime(), w.image(), w.checkId(), w.observed(), HostViews.when(w.since()))).toList();
        String filter = q.kind + "=" + encode(q.id) + "&status=" + q.status
                + (q.runtime == null ? "" : "&runtime=" + encode(q.runtime)) + (q.label == null ? "" : "&label=" + encode(q.label));
        long first = (long) (page - 1) * PAGE_SIZE + 1;
        Pager pager = new Pager(page, found.pages(), Math.min(first, found.counts().results()), first - 1 + rows.size(),
                page > 1 ? "/fleet/failing?" + filter + "&page=" + Math.min(page - 1, found.pages()) : null,
                page < found.pages() ? "/fleet/failing?" + filter + "&page=" + (page + 1) : null);
        return copies.respond(snapshot, request.uri(), Templates.failing(q.kind, q.id, q.status, q.runtime, q.label, rows,
                found.counts().results(), found.counts().hosts(), found.counts().containers(), "/fleet/failing.csv?" + filter, pager).render());
    }

    @GET
    @Path("failing.csv")
    @Produces("text/csv")
    public Response failingCsv(@QueryParam("probe") String probe, @QueryParam("countermeasure") String countermeasure,
                               @QueryParam("status") String status, @QueryParam("runtime") String runtime, @QueryParam("label") String label) {
        Query q;
        List<ContainerQueries.Where> found;
        try {
            q = query(probe, countermeasure, status, runtime, label);
            found = queries.where(q.kind, q.id, q.status, q.runtime, q.label, CSV_LIMIT);
        } catch (DomainException e) {
            return badRequest(e);
        }
        StreamingOutput body = output -> {
            BufferedWriter writer = new BufferedWriter(new OutputStreamWriter(output, StandardCharsets.UTF_8), 64 * 1024);
            Csv csv = new Csv(writer);
            csv.row(List.of("host", "host_id", "container", "container_subject_id", "runtime", "image", "check_id", "status",
                    "observed", "since"));
            for (ContainerQueries.Where w : found) {
                csv.row(List.of(w.host(), Long.toString(w.hostId()), w.container() == null ? "" : w.container(),
                        w.containerSubjectId() == null ? "" : w.containerSubjectId().toString(), n(w.runtime()), n(w.image()),
                        w.checkId(), w.status(), n(w.observed()), w.since() == null ? "" : w.since().toString()));
            }
            writer.flush();
        };
        return Response.ok(body, "text/csv; charset=UTF-8").header("Cache-Control", "no-store")
                .header("Content-Disposition", "attachment; filename=\"fleet-" + q.status + ".csv\"").build();
    }

    @GET
    @Path("drift")
    @Produces(MediaType.TEXT_HTML)
    public Response drift() {
        List<ContainerQueries.DriftEvent> events = new java.util.ArrayList<>(queries.drift(OffsetDateTime.now().minusDays(DRIFT_DAYS), 1000));
        java.util.Collections.reverse(events);
        return html(Templates.drift(events, DRIFT_DAYS));
    }

    private record Query(String kind, String id, String status, String runtime, String label) {
    }

    private static Query query(String probe, String countermeasure, String status, String runtime, String label) {
        boolean hasProbe = probe != null && !probe.isBlank(), hasCm = countermeasure != null && !countermeasure.isBlank();
        if (hasProbe == hasCm) {
            throw ApiException.badRequest("name either probe=probe:... or countermeasure=cm:...");
        }
        String s = status == null || status.isBlank() ? "fail" : status.strip();
        if (!ContainerQueries.STATUSES.contains(s)) {
            throw ApiException.badRequest("status must be one of pass, fail, not-applicable, error");
        }
        String r = runtime == null || runtime.isBlank() ? null : runtime.strip();
        if (r != null && !ContainerQueries.RUNTIMES.contains(r)) {
            throw ApiException.badRequest("runtime must be one of " + String.join(", ", ContainerQueries.RUNTIMES.stream().sorted().toList()));
        }
        String id = (hasProbe ? probe : countermeasure).strip();
        if (id.length() > 200) {
            throw ApiException.badRequest("the probe or countermeasure id is longer than 200 characters");
        }
        return new Query(hasProbe ? "probe" : "countermeasure", id, s, r, label == null || label.isBlank() ? null : label.strip());
    }

    private static String encode(String value) {
        return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String n(String value) {
        return value == null ? "" : value;
    }

    /** A page's bad filter: 400 with the reason on an HTML page (the API answers JSON; a person gets a page). */
    private static Response badRequest(DomainException e) {
        return Response.status(ErrorStatus.of(e)).type(PageCache.HTML).header("Cache-Control", "no-store")
                .entity(Templates.badRequest(e.getMessage()).render()).build();
    }

    private Response html(TemplateInstance template) {
        return Response.ok(SlottedPage.fill(template.render(), parts.filler(parts.person(), null)), PageCache.HTML)
                .header("Cache-Control", "no-store").build();
    }
}
