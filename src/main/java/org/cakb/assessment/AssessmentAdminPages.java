package org.cakb.assessment;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.cakb.catalog.KbRecord;
import org.cakb.catalog.RecordKind;
import org.cakb.common.DomainException;
import org.cakb.common.ErrorStatus;
import org.cakb.common.FormText;
import org.cakb.common.Validation;
import org.cakb.security.AccessPolicy.Operation;
import org.cakb.security.Access;
import org.cakb.security.Accounts;
import org.cakb.security.Guarded;
import org.cakb.security.Policy;
import org.cakb.security.Roles;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Admin pages for assessments: create one, and edit one (name, target, dates, scope, assessors) with the same form.
 * The scope picker shows how many checklist items each choice creates; assessors are chosen with one control (the
 * accounts holding the assessor role) on both pages.
 */
@Path("/admin")
@Produces(MediaType.TEXT_HTML)
@Guarded
public class AssessmentAdminPages {

    @Inject
    AssessmentService service;
    @Inject
    ScopeChange scopeChange;
    @Inject
    Access access;
    @Inject
    Accounts accounts;
    @Inject
    AssessmentMembers members;
    @Inject
    Waivers waivers;

    /** One choice of the scope picker: a record and how many checklist items it creates on its own. */
    public record Choice(String id, String title, int items, boolean checked) {
    }

    /** One account that may be assigned. */
    public record AssessorChoice(String username, boolean checked) {
    }

    /** What was typed into the assessment form (kept when it is refused). */
    public record AssessmentForm(Long id, long version, String name, String target, String labels, List<String> areas,
                                 List<String> countermeasures, List<String> recommendations, String requirements, String startDate,
                                 String dueDate, List<String> assessors) {
        static AssessmentForm empty() {
            return new AssessmentForm(null, 0, "", "", "", List.of(), List.of(), List.of(), "", "", "", List.of());
        }

        static AssessmentForm of(AssessmentViews.Detail d) {
            return new AssessmentForm(d.id(), d.version(), d.name(), d.target(), FormText.labelText(d.targetLabels()), d.scope().areas,
                    d.scope().countermeasures, d.scope().recommendations, String.join(" ", d.scope().requirements),
                    d.startDate() == null ? "" : d.startDate().toString(), d.dueDate() == null ? "" : d.dueDate().toString(),
                    d.assessors());
        }

        Scope scope() {
            return new Scope(areas, countermeasures, recommendations, FormText.words(requirements));
        }
    }

    /** The picker's lists. */
    public record Picker(List<Choice> areas, List<Choice> countermeasures, List<Choice> recommendations, List<AssessorChoice> assessors) {
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance newAssessment(AssessmentPages.Nav nav, Picker picker, AssessmentForm form, String error);

        static native TemplateInstance editAssessment(AssessmentPages.Nav nav, Picker picker, AssessmentForm form, int items, String error);

        static native TemplateInstance waivers(AssessmentPages.Nav nav, List<AssessmentViews.PendingWaiver> pending);
    }

    AssessmentPages.Nav nav() {
        return new AssessmentPages.Nav(access.username(), access.roles().contains(Roles.ADMIN), Roles.highest(access.roles()));
    }

    @GET
    @Path("/assessments/new")
    @Policy(Operation.CREATE_ASSESSMENT)
    public TemplateInstance newAssessment() {
        AssessmentForm form = AssessmentForm.empty();
        return Templates.newAssessment(nav(), picker(form), form, null);
    }

    @POST
    @Path("/assessments")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Policy(Operation.CREATE_ASSESSMENT)
    public Response create(@RestForm String name, @RestForm String target, @RestForm String labels, @RestForm List<String> areas,
                           @RestForm List<String> countermeasures, @RestForm List<String> recommendations, @RestForm String requirements,
                           @RestForm String startDate, @RestForm String dueDate, @RestForm List<String> assessors) {
        AssessmentForm form = new AssessmentForm(null, 0, FormText.orEmpty(name), FormText.orEmpty(target), FormText.orEmpty(labels),
                list(areas), list(countermeasures), words(recommendations), FormText.orEmpty(requirements), FormText.orEmpty(startDate),
                FormText.orEmpty(dueDate), words(assessors));
        try {
            AssessmentViews.Detail d = service.create(new AssessmentViews.NewAssessment(form.name(), form.target(),
                    FormText.labels("targetLabels", form.labels()), form.scope(), date("startDate", form.startDate()),
                    date("dueDate", form.dueDate()), form.assessors()), access.username());
            return AssessmentPages.seeOther("/assessments/" + d.id());
        } catch (DomainException e) {
            return Response.status(ErrorStatus.of(e)).entity(Templates.newAssessment(nav(), picker(form), form, e.getMessage())).build();
        }
    }

    @GET
    @Path("/assessments/{id}/edit")
    @Policy(Operation.EDIT_ASSESSMENT)
    public TemplateInstance edit(@PathParam("id") long id) {
        AssessmentViews.Detail d = service.detail(id);
        AssessmentForm form = AssessmentForm.of(d);
        return Templates.editAssessment(nav(), picker(form), form, d.progress().total(), null);
    }

    @POST
    @Path("/assessments/{id}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Policy(Operation.EDIT_ASSESSMENT)
    public Response update(@PathParam("id") long id, @RestForm long version, @RestForm String name, @RestForm String target,
                           @RestForm String labels, @RestForm List<String> areas, @RestForm List<String> countermeasures,
                           @RestForm List<String> recommendations, @RestForm String requirements, @RestForm String startDate,
                           @RestForm String dueDate, @RestForm List<String> assessors) {
        AssessmentForm form = new AssessmentForm(id, version, FormText.orEmpty(name), FormText.orEmpty(target), FormText.orEmpty(labels),
                list(areas), list(countermeasures), words(recommendations), FormText.orEmpty(requirements), FormText.orEmpty(startDate),
                FormText.orEmpty(dueDate), words(assessors));
        try {
            // one transaction: the details, the scope and the assessors change together or not at all
            QuarkusTransaction.requiringNew().run(() -> {
                service.update(id, new AssessmentViews.AssessmentUpdate(version, form.name(), form.target(),
                        FormText.labels("targetLabels", form.labels()), date("startDate", form.startDate()), date("dueDate", form.dueDate()),
                        form.scope()), access.username());
                service.assign(id, new AssessmentViews.Assignment(form.assessors()), access.username());
            });
            return AssessmentPages.seeOther("/assessments/" + id + "?saved=1");
        } catch (DomainException e) {
            return Response.status(ErrorStatus.of(e)).entity(Templates.editAssessment(nav(), picker(form),
                    form, service.detail(id).progress().total(), e.getMessage())).build();
        }
    }

    /** Assessors alone (the API's assignment, also used by older pages): the same checkbox names as the forms. */
    @POST
    @Path("/assessments/{id}/assessors")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Policy(Operation.ASSIGN_ASSESSORS)
    public Response assign(@PathParam("id") long id, @RestForm List<String> assessors) {
        service.assign(id, new AssessmentViews.Assignment(words(assessors)), access.username());
        return AssessmentPages.seeOther("/assessments/" + id + "?saved=1");
    }

    @POST
    @Path("/assessments/{id}/members")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Policy(Operation.MANAGE_MEMBERS)
    public Response members(@PathParam("id") long id, @RestForm String members) {
        this.members.replace(id, new AssessmentMembers.MemberUpdate(FormText.words(members)), access.username());
        return AssessmentPages.seeOther("/assessments/" + id + "?saved=1");
    }

    /** The admins' queue: waiver requests waiting for a decision (decided on each item's page). */
    @GET
    @Path("/waivers")
    @Policy(Operation.DECIDE_WAIVER)
    public TemplateInstance waivers() {
        return Templates.waivers(nav(), waivers.pending());
    }

    @ServerExceptionMapper
    public Response pageError(DomainException e) {
        return Response.status(ErrorStatus.of(e)).type(MediaType.TEXT_HTML_TYPE)
                .entity(AssessmentPages.Templates.error(nav(), ErrorStatus.of(e), e.getMessage())).build();
    }

    private Picker picker(AssessmentForm form) {
        Map<String, Integer> counts = scopeChange.itemCounts();
        List<Choice> areas = new ArrayList<>();
        List<Choice> cms = new ArrayList<>();
        for (KbRecord r : KbRecord.<KbRecord>list("kind = ?1 and status = 'active' order by id", RecordKind.REQUIREMENT)) {
            if ("area".equals(r.attribute("category"))) {
                areas.add(new Choice(r.id, r.title, counts.getOrDefault(r.id, 0), form.areas().contains(r.id)));
            } else if ("countermeasure".equals(r.attribute("category"))) {
                cms.add(new Choice(r.id, r.title, 1, form.countermeasures().contains(r.id)));
            }
        }
        List<Choice> recs = KbRecord.<KbRecord>list("kind = ?1 and status = 'active' order by title", RecordKind.RECOMMENDATION).stream()
                .map(r -> new Choice(r.id, r.title, counts.getOrDefault(r.id, 0), form.recommendations().contains(r.id))).toList();
        List<AssessorChoice> assessors = accounts.users().stream().filter(u -> u.roles().contains(Roles.ASSESSOR) && !u.disabled())
                .map(u -> new AssessorChoice(u.username(), form.assessors().contains(u.username()))).toList();
        return new Picker(areas, cms, recs, assessors);
    }

    private static List<String> list(List<String> values) {
        return values == null ? List.of() : values.stream().filter(v -> v != null && !v.isBlank()).toList();
    }

    /** Checkbox values, or (older forms, API-style input) names separated by spaces or commas in one value. */
    private static List<String> words(List<String> values) {
        return values == null ? List.of() : values.stream().flatMap(v -> FormText.words(v).stream()).distinct().toList();
    }

    private static LocalDate date(String field, String s) {
        try {
            return s == null || s.isBlank() ? null : LocalDate.parse(s.strip());
        } catch (DateTimeParseException e) {
            throw Validation.field(field, "must be a date like 2027-01-31");
        }
    }
}
