package org.cakb.web;

import org.cakb.pagecopies.SlottedPage;

import org.cakb.common.DomainException;

import org.cakb.security.Roles;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.cakb.common.ApiException;
import org.cakb.fleet.ContainerQueries;
import org.cakb.fleet.FleetHistory;
import org.cakb.fleet.FleetQueries;

import java.util.List;
import java.util.Map;

/**
 * The fleet pages: every host, and one host with its latest results, drift and trend. They show per-host data, so
 * they need a signed-in role and are never put in the {@link PageCache} (which serves anonymous requests without
 * authentication); responses are marked {@code Cache-Control: no-store} for browsers and proxies too.
 */
@Path("/hosts")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed({Roles.VIEWER, Roles.ASSESSOR, Roles.ADMIN})
public class HostPages {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance hosts(List<HostViews.HostRow> hosts, int failing, int reporting);

        static native TemplateInstance host(HostViews.HostFacts host, List<HostViews.ResultRow> failing,
                                            List<HostViews.ContainerRow> failingContainers, List<HostViews.ContainerRow> containers,
                                            List<HostViews.ContainerRow> quietContainers, List<HostViews.Group> byCountermeasure,
                                            List<HostViews.Group> quietByCountermeasure, List<HostViews.Group> byRequirement,
                                            List<HostViews.Group> quietByRequirement, List<HostViews.DriftRow> drift,
                                            HostViews.Sparkline trend, int trendReports, int driftReports, int driftLimit);

        static native TemplateInstance container(HostViews.HostFacts host, HostViews.ContainerRow container,
                                                 ContainerQueries.ContainerSummary facts, String gone, List<HostViews.CheckRow> checks,
                                                 List<HostViews.HistoryRow> history, long historyTotal);
    }

    @Inject
    FleetQueries queries;
    @Inject
    FleetHistory history;
    @Inject
    PersonalParts parts;
    @Inject
    ContainerQueries containers;
    @Inject
    FleetPageCopies copies;

    /** Containers listed on a host page (the format allows up to 2,000 per host). */
    static final int HOST_PAGE_CONTAINERS = 2000;
    /** History rows on a container page. */
    static final int CONTAINER_HISTORY = 200;

    @GET
    public Response hosts(@jakarta.ws.rs.core.Context io.vertx.core.http.HttpServerRequest request) {
        org.cakb.pagecopies.Revisions.Snapshot snapshot = copies.beginFleet(); // before any read of the page
        List<FleetQueries.HostSummary> summaries = queries.hosts();
        Map<Long, List<FleetHistory.TrendPoint>> trends = history.trends(summaries.stream().map(FleetQueries.HostSummary::id).toList());
        List<HostViews.HostRow> rows = summaries.stream().map(h -> new HostViews.HostRow(h.id(), h.name(), "/hosts/" + h.id(),
                h.description(), HostViews.labels(h.labels()), HostViews.when(h.lastSeenAt()), HostViews.iso(h.lastSeenAt()),
                h.agentVersion(), h.vantage(), h.runtime(),
                HostViews.Counts.of(h.passed(), h.failed(), h.errors(), h.notApplicable()), h.enrolled(),
                HostViews.sparkline(trends.getOrDefault(h.id(), List.of())))).toList();
        int failing = (int) rows.stream().filter(r -> r.counts().failed() > 0).count();
        int reporting = (int) rows.stream().filter(r -> r.counts().reported()).count();
        return copies.respond(snapshot, request.uri(), Templates.hosts(rows, failing, reporting).render());
    }

    @GET
    @Path("{id}")
    public Response host(@PathParam("id") String idParam, @jakarta.ws.rs.core.Context io.vertx.core.http.HttpServerRequest request) {
        long id;
        try {
            id = Long.parseLong(idParam);
        } catch (NumberFormatException e) {
            return notFound(idParam);
        }
        org.cakb.pagecopies.Revisions.Snapshot snapshot = copies.beginHost(id); // before any read of the page
        FleetQueries.HostSummary summary;
        try {
            summary = queries.summary(id);
        } catch (DomainException e) {
            return notFound(idParam);
        }
        HostViews.HostFacts facts = facts(summary);
        List<HostViews.ContainerRow> rows = containers.presentOnHost(id, HOST_PAGE_CONTAINERS).stream().map(HostViews::container).toList();
        List<HostViews.Group> byCm = HostViews.failuresFirst(history.byCountermeasure(id).stream()
                .map(g -> HostViews.group(g, "countermeasure")).toList());
        List<HostViews.Group> byReq = HostViews.failuresFirst(history.byRequirement(id).stream()
                .map(g -> HostViews.group(g, "requirement")).toList());
        List<HostViews.DriftRow> drift = history.drift(id).stream().map(HostViews::drift).toList();
        List<FleetHistory.TrendPoint> trend = history.trend(id);
        return copies.respond(snapshot, request.uri(), Templates.host(facts, HostViews.failing(byCm),
                rows.stream().filter(r -> r.counts().failed() > 0).toList(), rows.stream().filter(r -> !r.quiet()).toList(),
                rows.stream().filter(HostViews.ContainerRow::quiet).toList(),
                byCm.stream().filter(g -> !g.quiet()).toList(), byCm.stream().filter(HostViews.Group::quiet).toList(),
                byReq.stream().filter(g -> !g.quiet()).toList(), byReq.stream().filter(HostViews.Group::quiet).toList(),
                drift, HostViews.sparkline(trend),
                trend.size(), FleetHistory.DRIFT_REPORTS, FleetHistory.DRIFT_LIMIT).render());
    }

    @GET
    @Path("{id}/containers/{containerId}")
    public Response container(@PathParam("id") String idParam, @PathParam("containerId") String containerParam) {
        ContainerQueries.ContainerDetail detail;
        FleetQueries.HostSummary host;
        try {
            detail = containers.container(Long.parseLong(containerParam));
            if (detail.container().hostId() != Long.parseLong(idParam)) {
                return notFound(idParam + "/containers/" + containerParam);
            }
            host = queries.summary(detail.container().hostId());
        } catch (NumberFormatException | DomainException e) {
            return notFound(idParam + "/containers/" + containerParam);
        }
        java.util.Map<String, String> titles = new java.util.HashMap<>();
        detail.checks().forEach(c -> titles.put(c.checkId(), c.title()));
        var page = containers.history(detail.container().id(), null, 1, CONTAINER_HISTORY);
        return html(200, Templates.container(facts(host), HostViews.container(detail.container()), detail.container(),
                HostViews.when(detail.container().goneAt()), detail.checks().stream().map(HostViews::check).toList(),
                page.items().stream().map(h -> HostViews.history(h, titles)).toList(), page.total()));
    }

    private HostViews.HostFacts facts(FleetQueries.HostSummary h) {
        FleetQueries.Registration entity = queries.registration(h.id());
        return new HostViews.HostFacts(h.id(), h.name(), h.description(), HostViews.labels(h.labels()),
                entity == null ? null : HostViews.when(entity.createdAt()), entity == null ? null : entity.createdBy(),
                HostViews.when(h.lastSeenAt()), HostViews.iso(h.lastSeenAt()), h.agentVersion(), h.vantage(), h.runtime(),
                entity == null ? null : entity.hostname(), h.kernel(), entity == null ? null : entity.osRelease(), h.enrolled(),
                h.latestReport(), HostViews.Counts.of(h.passed(), h.failed(), h.errors(), h.notApplicable()));
    }

    private Response notFound(String id) {
        String shown = id.length() > 40 ? id.substring(0, 40) + "\u2026" : id;
        return html(404, Pages.Templates.notFound("There is no host with the id \u201c" + shown + "\u201d.", null));
    }

    private Response html(int status, TemplateInstance template) {
        return Response.status(status).type(PageCache.HTML).header("Cache-Control", "no-store")
                .entity(SlottedPage.fill(template.render(), parts.filler(parts.person(), null))).build();
    }
}
