package org.cakb.assessment;

import org.cakb.fleet.ContainerQueries;
import org.cakb.fleet.PassRateQueries;
import org.cakb.security.Access;
import org.cakb.security.AccessPolicy.Operation;
import org.cakb.security.Roles;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The signed-in user's overview: open assessments with their results by area, the fleet's pass rate per countermeasure
 * over the last two weeks, and recent drift. Server-rendered SVG with the numbers as text. Shows each part only to
 * roles the access policy lets see it (assessments: LIST_ASSESSMENTS; fleet: the roles of the host pages).
 */
@Path("/dashboard")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed({Roles.VIEWER, Roles.ASSESSOR, Roles.ADMIN})
public class DashboardPages {

    static final int MAX_ASSESSMENTS = 6;
    static final int TREND_DAYS = 14;
    static final int MAX_COUNTERMEASURES = 12;
    static final int DRIFT_DAYS = 7;
    static final int DRIFT_ROWS = 15;

    @Inject
    AssessmentService assessments;
    @Inject
    PassRateQueries passRates;
    @Inject
    ContainerQueries containers;
    @Inject
    Access access;
    @Inject
    ChecklistItems records;

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance dashboard(AssessmentPages.Nav nav, boolean showAssessments, int openAssessments,
                                                 List<DashboardCharts.AssessmentCard> cards, boolean showFleet,
                                                 List<DashboardCharts.RateLine> rates, int trendDays,
                                                 List<DashboardCharts.Column> drift, int driftWidth, int driftTotal, int driftDays,
                                                 List<ContainerQueries.DriftEvent> recentDrift, java.util.Map<String, String> names);
    }

    @GET
    public TemplateInstance dashboard() {
        AssessmentPages.Nav nav = new AssessmentPages.Nav(access.username(), access.roles().contains(Roles.ADMIN), Roles.highest(access.roles()));
        boolean showAssessments = access.can(Operation.LIST_ASSESSMENTS, null);
        List<DashboardCharts.AssessmentCard> cards = new ArrayList<>();
        int open = 0;
        if (showAssessments) {
            List<AssessmentViews.Summary> list = new ArrayList<>(assessments.list(null));
            list.removeIf(s -> Assessment.COMPLETED.equals(s.status()));
            open = list.size();
            // the ones the signed-in assessor is assigned to first, then the newest
            String me = access.username();
            list.sort(Comparator.comparing((AssessmentViews.Summary s) -> !s.assessors().contains(me))
                    .thenComparing(AssessmentViews.Summary::id, Comparator.reverseOrder()));
            list.stream().limit(MAX_ASSESSMENTS).forEach(s -> cards.add(DashboardCharts.card(assessments.detail(s.id()))));
        }
        boolean showFleet = access.roles().stream().anyMatch(r -> r.equals(Roles.VIEWER) || r.equals(Roles.ASSESSOR) || r.equals(Roles.ADMIN));
        List<DashboardCharts.RateLine> rates = List.of();
        List<DashboardCharts.Column> columns = List.of();
        List<ContainerQueries.DriftEvent> recent = List.of();
        int driftTotal = 0;
        if (showFleet) {
            rates = passRates.byCountermeasure(TREND_DAYS, MAX_COUNTERMEASURES).stream().map(DashboardCharts::line).toList();
            LocalDate today = LocalDate.now(ZoneOffset.UTC);
            List<ContainerQueries.DriftEvent> events = containers.drift(today.minusDays(DRIFT_DAYS - 1L).atStartOfDay().atOffset(ZoneOffset.UTC), 5000);
            driftTotal = events.size();
            columns = DashboardCharts.driftColumns(events.stream().map(e -> e.receivedAt().withOffsetSameInstant(ZoneOffset.UTC).toLocalDate()).toList(),
                    today, DRIFT_DAYS);
            List<ContainerQueries.DriftEvent> newestFirst = new ArrayList<>(events);
            newestFirst.sort(Comparator.comparing(ContainerQueries.DriftEvent::receivedAt, Comparator.nullsLast(Comparator.<OffsetDateTime>naturalOrder())).reversed());
            recent = newestFirst.stream().limit(DRIFT_ROWS).toList();
        }
        java.util.Map<String, String> names = records.names(recent.stream().map(ContainerQueries.DriftEvent::checkId).distinct().toList());
        return Templates.dashboard(nav, showAssessments, open, cards, showFleet, rates, TREND_DAYS, columns, DashboardCharts.width(columns),
                driftTotal, DRIFT_DAYS, recent, names);
    }
}
