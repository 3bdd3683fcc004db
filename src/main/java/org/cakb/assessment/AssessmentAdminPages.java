package org.cakb.assessment;

import org.cakb.common.DomainException;
import org.cakb.common.ErrorStatus;

import org.cakb.security.Roles;

import org.cakb.common.Validation;

import org.cakb.security.Accounts;
import org.cakb.security.AccountViews;

import org.cakb.security.Access;
import org.cakb.security.AppUser;
import org.cakb.security.Guarded;
import org.cakb.security.Policy;

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
import org.cakb.security.AccessPolicy.Operation;
import org.cakb.catalog.KbRecord;
import org.cakb.common.ApiException;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Admin pages: accounts, new assessments and their assessors. */
@Path("/admin")
@Produces(MediaType.TEXT_HTML)
@Guarded
public class AssessmentAdminPages {

    @Inject
    AssessmentService service;
    @Inject
    Access access;
    @Inject
    Accounts accounts;
    @Inject
    AssessmentMembers members;
    @Inject
    Waivers waivers;

    public record Choice(String id, String title) {
    }

    /** What was typed into the new-assessment form. */
    public record NewForm(String name, String target, String labels, List<String> areas, List<String> countermeasures,
                          String recommendations, String requirements, String startDate, String dueDate, List<String> assessors) {
        public boolean has(String id) {
            return areas.contains(id) || countermeasures.contains(id) || assessors.contains(id);
        }
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance newAssessment(AssessmentPages.Nav nav, List<Choice> areas, List<Choice> countermeasures,
                                                     List<AccountViews.UserView> assessors, NewForm form, String error);

        static native TemplateInstance waivers(AssessmentPages.Nav nav, List<AssessmentViews.PendingWaiver> pending);
    }

    AssessmentPages.Nav nav() {
        return new AssessmentPages.Nav(access.username(), access.roles().contains(Roles.ADMIN));
    }

    @GET
    @Path("/assessments/new")
    @Policy(Operation.CREATE_ASSESSMENT)
    public TemplateInstance newAssessment() {
        return form(new NewForm("", "", "", List.of(), List.of(), "", "", "", "", List.of()), null);
    }

    private TemplateInstance form(NewForm form, String error) {
        List<Choice> areas = KbRecord.<KbRecord>list("kind = ?1 and status = 'active' order by id", org.cakb.catalog.RecordKind.REQUIREMENT)
                .stream().filter(r -> "area".equals(r.attribute("category"))).map(r -> new Choice(r.id, r.title)).toList();
        List<Choice> cms = KbRecord.<KbRecord>list("kind = ?1 and status = 'active' order by id", org.cakb.catalog.RecordKind.REQUIREMENT)
                .stream().filter(r -> "countermeasure".equals(r.attribute("category"))).map(r -> new Choice(r.id, r.title)).toList();
        List<AccountViews.UserView> assessors = accounts.users().stream().filter(u -> u.roles().contains(Roles.ASSESSOR)).toList();
        return Templates.newAssessment(nav(), areas, cms, assessors, form, error);
    }

    @POST
    @Path("/assessments")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Policy(Operation.CREATE_ASSESSMENT)
    public Response create(@RestForm String name, @RestForm String target, @RestForm String labels, @RestForm List<String> areas,
                           @RestForm List<String> countermeasures, @RestForm String recommendations, @RestForm String requirements,
                           @RestForm String startDate, @RestForm String dueDate, @RestForm List<String> assessors) {
        NewForm form = new NewForm(nz(name), nz(target), nz(labels), areas == null ? List.of() : areas,
                countermeasures == null ? List.of() : countermeasures, nz(recommendations), nz(requirements), nz(startDate), nz(dueDate),
                assessors == null ? List.of() : assessors);
        try {
            AssessmentViews.Detail d = service.create(new AssessmentViews.NewAssessment(form.name(), form.target(), labels(form.labels()),
                    new Scope(form.areas(), form.countermeasures(), words(form.recommendations()), words(form.requirements())),
                    date("startDate", form.startDate()), date("dueDate", form.dueDate()), form.assessors()), access.username());
            return AssessmentPages.seeOther("/assessments/" + d.id());
        } catch (DomainException e) {
            return Response.status(ErrorStatus.of(e)).entity(form(form, e.getMessage())).build();
        }
    }

    @POST
    @Path("/assessments/{id}/assessors")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Policy(Operation.ASSIGN_ASSESSORS)
    public Response assign(@PathParam("id") long id, @RestForm String assessors) {
        service.assign(id, new AssessmentViews.Assignment(words(assessors)), access.username());
        return AssessmentPages.seeOther("/assessments/" + id + "?saved=1");
    }

    @POST
    @Path("/assessments/{id}/members")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Policy(Operation.MANAGE_MEMBERS)
    public Response members(@PathParam("id") long id, @RestForm String members) {
        this.members.replace(id, new AssessmentMembers.MemberUpdate(words(members)), access.username());
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

    private static List<String> words(String s) {
        return s == null ? List.of() : Arrays.stream(s.split("[\\s,]+")).filter(w -> !w.isBlank()).toList();
    }

    private static Map<String, String> labels(String s) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (String pair : words(s)) {
            String[] kv = pair.split("=", 2);
            if (kv.length != 2 || kv[0].isBlank()) {
                throw Validation.field("targetLabels", "write labels as key=value, separated by spaces or commas; got '" + pair + "'");
            }
            labels.put(kv[0], kv[1]);
        }
        return labels;
    }

    private static LocalDate date(String field, String s) {
        try {
            return s == null || s.isBlank() ? null : LocalDate.parse(s);
        } catch (DateTimeParseException e) {
            throw Validation.field(field, "must be a date like 2027-01-31");
        }
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
