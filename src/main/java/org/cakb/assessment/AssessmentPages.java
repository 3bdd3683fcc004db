package org.cakb.assessment;

import org.cakb.common.DomainException;
import org.cakb.common.ErrorStatus;

import org.cakb.security.Roles;

import org.cakb.common.Validation;

import org.cakb.security.Access;
import org.cakb.security.AccessPolicy;
import org.cakb.security.AppUser;
import org.cakb.security.Guarded;
import org.cakb.security.Policy;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.cakb.security.AccessPolicy.Operation;
import org.cakb.catalog.RecordViews;
import org.cakb.common.ApiException;
import org.cakb.fleet.FleetQueries;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.net.URI;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Browser pages for assessors and viewers. Same service, same {@link AccessPolicy} as the API. */
@Path("/assessments")
@Produces(MediaType.TEXT_HTML)
@Guarded
public class AssessmentPages {

    @Inject
    jakarta.persistence.EntityManager em;
    @Inject
    org.cakb.security.AuditTrail audit;
    @Inject
    AssessmentService service;
    @Inject
    ItemAttachments attachments;
    @Inject
    AssessmentHistory history;
    @Inject
    ChecklistItems items;
    @Inject
    Waivers waivers;
    @Inject
    AssessmentMembers members;
    @Inject
    Access access;
    @Inject
    LinkedHosts linkedHosts;
    @Inject
    ControlRollups controlRollups;
    @Inject
    ProbeEvidenceService evidence;
    @Inject
    FleetQueries fleet;
    @Inject
    AssessmentPageCopies pageCopies;
    /** The assessment pages' additions to /static/app.css; a file, since the CSP forbids inline styles. */
    @Location("assessment/assessment.css")
    Template stylesheet;

    /** Values typed into the item form (kept on conflict or error). */
    public record ItemForm(long version, String result, String justification, String evidenceText, String evidenceLinks,
                           String evidenceMethod) {
        static ItemForm of(AssessmentViews.Item i) {
            return new ItemForm(i.version(), i.result(), i.justification(), i.evidenceText(), String.join("\n", i.evidenceLinks()),
                    i.evidenceMethod());
        }
    }

    public record TraceGroup(String label, List<RecordViews.Ref> records) {
    }

    public record Bar(String label, String areaId, AssessmentViews.Progress progress) {
    }

    /**
     * Who is signed in, for the shared layout's header (user name, role, admin links). {@code slots}: the header is
     * left as slots, filled per request (a page kept as a copy).
     */
    public record Nav(String user, boolean admin, String role, boolean slots) {
        public Nav(String user, boolean admin, String role) {
            this(user, admin, role, false);
        }
    }

    /** A fleet host in the link control of the assessment page. */
    public record HostChoice(long id, String name, String latestReport, boolean linked) {
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance list(Nav nav, List<AssessmentViews.Summary> assessments, boolean canCreate);

        static native TemplateInstance assessment(Nav nav, AssessmentViews.Detail a, List<AssessmentViews.ChecklistRow> rows,
                                                  List<AssessmentViews.ScopePart> scope, List<Bar> bars,
                                                  String result, String area, String evidence, List<String> evidenceFilters,
                                                  List<String> results, boolean canChangeStatus,
                                                  boolean canReopen, boolean canAssign, List<EvidenceViews.LinkedHost> hosts,
                                                  List<HostChoice> hostChoices, boolean canLinkHosts, String message, String error,
                                                  AssessmentMembers.Members members);

        static native TemplateInstance item(Nav nav, AssessmentViews.Header a, AssessmentViews.ItemDetail d, ItemForm form,
                                            AssessmentViews.StoredItem conflict, String conflictMessage, List<TraceGroup> trace,
                                            List<String> results, boolean canEdit, boolean canWaive, boolean canUpload,
                                            EvidenceViews.ProbeEvidence evidence, boolean canDecide, String message, String error,
                                            String today, AssessmentViews.Neighbours around, Map<String, String> names,
                                            boolean canDecideWaiver);

        static native TemplateInstance history(Nav nav, AssessmentViews.Header a, AssessmentViews.Item item,
                                               List<AssessmentViews.History> entries);

        static native TemplateInstance report(Nav nav, AssessmentViews.Detail a, List<AssessmentViews.Item> items, List<Bar> bars,
                                              String today);

        static native TemplateInstance error(Nav nav, int status, String message);

        static native TemplateInstance controls(Nav nav, AssessmentViews.Header a, List<ControlViews.ControlResult> controls);
    }

    Nav nav() {
        return new Nav(access.username(), access.roles().contains(Roles.ADMIN), Roles.highest(access.roles()));
    }

    @GET
    @Path("/assessment.css")
    @Produces("text/css")
    @Policy(Operation.LIST_ASSESSMENTS)
    public Response stylesheet() {
        return Response.ok(stylesheet.render(), "text/css;charset=UTF-8").header("Cache-Control", "private, max-age=3600").build();
    }

    @GET
    @Policy(Operation.LIST_ASSESSMENTS)
    public TemplateInstance list() {
        return Templates.list(nav(), service.list(null, access.seesAllAssessments() ? null : access.username()),
                access.can(Operation.CREATE_ASSESSMENT, null));
    }

    @GET
    @Path("/{id}")
    @Policy(Operation.VIEW_ASSESSMENT)
    @jakarta.transaction.Transactional
    public Response assessment(@PathParam("id") long id, @QueryParam("result") String result, @QueryParam("area") String area,
                               @QueryParam("evidence") String evidence, @QueryParam("saved") String saved,
                               @jakarta.ws.rs.core.Context io.vertx.core.http.HttpServerRequest request) {
        org.cakb.pagecopies.Revisions.Snapshot snapshot = pageCopies.begin(id); // before any read of the page
        org.cakb.common.ReadOnlyPages.begin(em); // one read-only transaction for every read of the page
        Access.Permissions may = access.permissions(id);
        return pageCopies.respond(snapshot, id, may, request.uri(), false,
                assessmentPage(id, result, area, evidence, saved == null ? null : "Saved.", null, may, pageCopies.nav()));
    }

    private TemplateInstance assessmentPage(long id, String result, String area, String message, String error) {
        return assessmentPage(id, result, area, null, message, error, access.permissions(id), nav());
    }

    private TemplateInstance assessmentPage(long id, String result, String area, String evidenceFilter, String message, String error,
                                            Access.Permissions may, Nav nav) {
        List<EvidenceViews.LinkedHost> hosts = linkedHosts.list(id);
        AssessmentViews.Checklist checklist = items.checklist(id, blank(result), blank(area), blank(evidenceFilter), !hosts.isEmpty());
        AssessmentViews.Detail a = checklist.detail();
        boolean canLinkHosts = may.can(Operation.LINK_HOSTS);
        List<HostChoice> choices = canLinkHosts ? hostChoices(hosts) : List.of();
        return Templates.assessment(nav, a, checklist.rows(), checklist.scope(), bars(a), blank(result), blank(area),
                blank(evidenceFilter), ChecklistItems.EVIDENCE_FILTERS, ChecklistItem.RESULTS, may.can(Operation.CHANGE_STATUS), a.status().equals(Assessment.COMPLETED)
                        && may.can(Operation.REOPEN_ASSESSMENT), may.can(Operation.ASSIGN_ASSESSORS), hosts, choices,
                canLinkHosts, message, error, may.can(Operation.MANAGE_MEMBERS) ? members.members(id) : null);
    }

    private List<HostChoice> hostChoices(List<EvidenceViews.LinkedHost> linked) {
        java.util.Set<Long> ids = new java.util.HashSet<>();
        linked.forEach(h -> ids.add(h.id()));
        return fleet.hosts().stream().map(h -> new HostChoice(h.id(), h.name(), h.latestReport(), ids.contains(h.id()))).toList();
    }

    @POST
    @Path("/{id}/hosts")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Policy(Operation.LINK_HOSTS)
    public Response linkHosts(@PathParam("id") long id, @RestForm List<Long> hostIds) {
        try {
            linkedHosts.replace(id, new EvidenceViews.HostLinks(hostIds == null ? List.of() : hostIds), access.username());
        } catch (DomainException e) {
            return Response.status(ErrorStatus.of(e)).entity(assessmentPage(id, null, null, null, e.getMessage())).build();
        }
        return seeOther("/assessments/" + id + "?saved=1");
    }

    @POST
    @Path("/{id}/status")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Policy(Operation.CHANGE_STATUS)
    public Response status(@PathParam("id") long id, @RestForm long version, @RestForm String status) {
        try {
            service.changeStatus(id, new AssessmentViews.StatusChange(version, status), access.username());
        } catch (DomainException e) {
            return Response.status(ErrorStatus.of(e)).entity(assessmentPage(id, null, null, null, e.getMessage())).build();
        }
        return seeOther("/assessments/" + id + "?saved=1");
    }

    @POST
    @Path("/{id}/reopen")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Policy(Operation.REOPEN_ASSESSMENT)
    public Response reopen(@PathParam("id") long id, @RestForm long version, @RestForm String reason) {
        try {
            service.reopen(id, new AssessmentViews.Reopen(version, reason), access.username());
        } catch (DomainException e) {
            return Response.status(ErrorStatus.of(e)).entity(assessmentPage(id, null, null, null, e.getMessage())).build();
        }
        return seeOther("/assessments/" + id + "?saved=1");
    }

    @GET
    @Path("/{id}/items/{itemId}")
    @Policy(Operation.VIEW_ITEM)
    @jakarta.transaction.Transactional
    public Response item(@PathParam("id") long id, @PathParam("itemId") long itemId, @QueryParam("saved") String saved,
                         @jakarta.ws.rs.core.Context io.vertx.core.http.HttpServerRequest request) {
        org.cakb.pagecopies.Revisions.Snapshot snapshot = pageCopies.begin(id); // before any read of the page
        org.cakb.common.ReadOnlyPages.begin(em); // one read-only transaction for every read of the page
        AssessmentViews.ItemDetail d = items.item(id, itemId);
        Access.Permissions may = access.permissions(id);
        return pageCopies.respond(snapshot, id, may, request.uri(), true,
                itemPage(id, d, ItemForm.of(d.item()), null, null, saved == null ? null : "Saved.", null, may, pageCopies.nav()));
    }

    private TemplateInstance itemPage(long id, AssessmentViews.ItemDetail d, ItemForm form, AssessmentViews.StoredItem conflict,
                                      String conflictMessage, String message, String error) {
        return itemPage(id, d, form, conflict, conflictMessage, message, error, access.permissions(id), nav());
    }

    private TemplateInstance itemPage(long id, AssessmentViews.ItemDetail d, ItemForm form, AssessmentViews.StoredItem conflict,
                                      String conflictMessage, String message, String error, Access.Permissions may, Nav nav) {
        List<TraceGroup> trace = new ArrayList<>();
        Map<String, List<RecordViews.Ref>> t = d.requirement().trace();
        for (String[] g : new String[][]{{"countermeasures", "Countermeasures"}, {"threats", "Threats"},
                {"platform-defaults", "Platform defaults"}, {"probes", "Probes"}, {"recommendations", "Recommendations"}}) {
            trace.add(new TraceGroup(g[1], t.getOrDefault(g[0], List.of())));
        }
        EvidenceViews.ProbeEvidence probe = evidence.evidence(id, d.item().id());
        java.util.Set<String> ids = new java.util.HashSet<>();
        probe.observations().forEach(o -> {
            ids.add(o.checkId());
            ids.addAll(o.countermeasures());
        });
        probe.decisions().forEach(dec -> dec.observations().forEach(o -> ids.add(o.checkId())));
        return Templates.item(nav, service.header(id), d, form, conflict, conflictMessage, trace, ChecklistItem.RESULTS,
                may.can(Operation.EDIT_ITEM), may.can(Operation.SET_WAIVER), may.can(Operation.UPLOAD_ATTACHMENT),
                probe, may.can(Operation.DECIDE_PROBE_EVIDENCE), message, error,
                LocalDate.now().toString(), items.neighbours(id, d.item().id()), items.names(ids), may.can(Operation.DECIDE_WAIVER));
    }

    @POST
    @Path("/{id}/items/{itemId}/probe-evidence")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Policy(Operation.DECIDE_PROBE_EVIDENCE)
    public Response decideEvidence(@PathParam("id") long id, @PathParam("itemId") long itemId, @RestForm long version,
                                   @RestForm String fingerprint, @RestForm String decision, @RestForm String result, @RestForm String reason) {
        try {
            evidence.decide(id, itemId, new EvidenceViews.Decision(decision, blank(result), reason, fingerprint, version), access.username());
        } catch (DomainException e) {
            AssessmentViews.ItemDetail d = items.item(id, itemId);
            return Response.status(ErrorStatus.of(e)).entity(itemPage(id, d, ItemForm.of(d.item()), null, null, null, e.getMessage())).build();
        }
        return seeOther("/assessments/" + id + "/items/" + itemId + "?saved=1");
    }

    @POST
    @Path("/{id}/items/{itemId}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Policy(Operation.EDIT_ITEM)
    public Response saveItem(@PathParam("id") long id, @PathParam("itemId") long itemId, @RestForm long version, @RestForm String result,
                             @RestForm String justification, @RestForm String evidenceText, @RestForm String evidenceLinks,
                             @RestForm String evidenceMethod) {
        ItemForm typed = new ItemForm(version, result, nz(justification), nz(evidenceText), nz(evidenceLinks), blank(evidenceMethod));
        List<String> links = Arrays.stream(nz(evidenceLinks).split("\\R")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        try {
            items.updateItem(id, itemId, new AssessmentViews.ItemUpdate(version, result, typed.justification(), typed.evidenceText(), links,
                    typed.evidenceMethod()),
                    access.username());
        } catch (ConflictException e) {
            AssessmentViews.ItemDetail d = items.item(id, itemId);
            // keep what was typed; the next save is made against the version now stored, deliberately
            ItemForm kept = new ItemForm(e.current.version(), typed.result(), typed.justification(), typed.evidenceText(), typed.evidenceLinks(),
                    typed.evidenceMethod());
            return Response.status(409).entity(itemPage(id, d, kept, e.current, e.getMessage(), null, null)).build();
        } catch (DomainException e) {
            AssessmentViews.ItemDetail d = items.item(id, itemId);
            return Response.status(ErrorStatus.of(e)).entity(itemPage(id, d, typed, null, null, null, problems(e))).build();
        }
        return seeOther("/assessments/" + id + "/items/" + itemId + "?saved=1");
    }

    /** Every problem of a refused save, one per line, in the words the service chose. */
    static String problems(DomainException e) {
        if (e.details == null || e.details.size() < 2) {
            String m = e.getMessage();
            return "Not saved. " + (m.startsWith("invalid input: ") ? m.substring("invalid input: ".length()) : m);
        }
        return "Not saved. Please fix these " + e.details.size() + " problems:\n\u2022 " + String.join("\n\u2022 ", e.details);
    }

    @POST
    @Path("/{id}/items/{itemId}/waiver")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Policy(Operation.SET_WAIVER)
    public Response waiver(@PathParam("id") long id, @PathParam("itemId") long itemId, @RestForm long version, @RestForm String reason,
                           @RestForm String controls, @RestForm String expires, @RestForm String remove) {
        return itemAction(id, itemId, () -> {
            if (remove != null) {
                waivers.withdraw(id, itemId, version, access.username());
            } else {
                LocalDate date;
                try {
                    date = expires == null || expires.isBlank() ? null : LocalDate.parse(expires);
                } catch (DateTimeParseException e) {
                    throw Validation.field("expires", "must be a date like 2027-01-31");
                }
                waivers.request(id, itemId, new AssessmentViews.WaiverUpdate(version, reason, date, controls), access.username());
            }
        });
    }

    /** An admin's decision on the requested waiver; the approver is the signed-in admin, never a typed name. */
    @POST
    @Path("/{id}/items/{itemId}/waiver/decision")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Policy(Operation.DECIDE_WAIVER)
    public Response decideWaiver(@PathParam("id") long id, @PathParam("itemId") long itemId, @RestForm long version,
                                 @RestForm String decision, @RestForm String note) {
        return itemAction(id, itemId, () -> {
            AssessmentViews.WaiverDecision d = new AssessmentViews.WaiverDecision(version, note);
            if ("approve".equals(decision)) {
                waivers.approve(id, itemId, d, access.username());
            } else if ("refuse".equals(decision)) {
                waivers.refuse(id, itemId, d, access.username());
            } else {
                throw Validation.field("decision", "must be approve or refuse");
            }
        });
    }

    /** Runs a form's action on an item; on a refusal shows the item page again with the message (409 with both versions). */
    private Response itemAction(long id, long itemId, Runnable action) {
        try {
            action.run();
        } catch (ConflictException e) {
            AssessmentViews.ItemDetail d = items.item(id, itemId);
            return Response.status(409).entity(itemPage(id, d, ItemForm.of(d.item()), e.current, e.getMessage(), null, null)).build();
        } catch (DomainException e) {
            AssessmentViews.ItemDetail d = items.item(id, itemId);
            return Response.status(ErrorStatus.of(e)).entity(itemPage(id, d, ItemForm.of(d.item()), null, null, null, e.getMessage())).build();
        }
        return seeOther("/assessments/" + id + "/items/" + itemId + "?saved=1");
    }

    @POST
    @Path("/{id}/items/{itemId}/attachments")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Policy(Operation.UPLOAD_ATTACHMENT)
    public Response upload(@PathParam("id") long id, @PathParam("itemId") long itemId, @RestForm("file") FileUpload file) {
        try {
            attachments.attach(id, itemId, file == null ? null : file.fileName(), file == null ? null : file.contentType(),
                    AssessmentResource.read(file), access.username());
        } catch (DomainException e) {
            AssessmentViews.ItemDetail d = items.item(id, itemId);
            return Response.status(ErrorStatus.of(e)).entity(itemPage(id, d, ItemForm.of(d.item()), null, null, null, e.getMessage())).build();
        }
        return seeOther("/assessments/" + id + "/items/" + itemId + "?saved=1");
    }

    @GET
    @Path("/{id}/items/{itemId}/attachments/{attachmentId}")
    @Produces(MediaType.WILDCARD)
    @Policy(Operation.DOWNLOAD_ATTACHMENT)
    public Response download(@PathParam("id") long id, @PathParam("itemId") long itemId, @PathParam("attachmentId") long attachmentId) {
        return AssessmentResource.file(AssessmentResource.recorded(audit, id, itemId, attachments.attachment(id, itemId, attachmentId)));
    }

    @GET
    @Path("/{id}/history")
    @Policy(Operation.VIEW_HISTORY)
    public TemplateInstance history(@PathParam("id") long id) {
        return Templates.history(nav(), service.header(id), null, history.history(id));
    }

    @GET
    @Path("/{id}/items/{itemId}/history")
    @Policy(Operation.VIEW_HISTORY)
    public TemplateInstance itemHistory(@PathParam("id") long id, @PathParam("itemId") long itemId) {
        return Templates.history(nav(), service.header(id), items.item(id, itemId).item(), history.itemHistory(id, itemId));
    }

    @GET
    @Path("/{id}/report")
    @Policy(Operation.VIEW_ASSESSMENT)
    public TemplateInstance report(@PathParam("id") long id) {
        AssessmentViews.Detail a = service.detail(id);
        return Templates.report(nav(), a, items.items(id, null, null), bars(a), LocalDate.now().toString());
    }

    /** The assessment in SP 800-53 Rev. 5 terms: its items rolled up per control, grouped by family. */
    @GET
    @Path("/{id}/controls")
    @Policy(Operation.VIEW_ASSESSMENT)
    public TemplateInstance controls(@PathParam("id") long id) {
        return Templates.controls(nav(), service.header(id), controlRollups.rollup(id));
    }

    @ServerExceptionMapper
    public Response pageError(DomainException e) {
        return Response.status(ErrorStatus.of(e)).type(MediaType.TEXT_HTML_TYPE).entity(Templates.error(nav(), ErrorStatus.of(e), e.getMessage()))
                .build();
    }

    static List<Bar> bars(AssessmentViews.Detail a) {
        List<Bar> bars = new ArrayList<>();
        bars.add(new Bar("All requirements", null, a.progress()));
        a.areas().forEach(ar -> bars.add(new Bar(ar.areaTitle(), ar.areaId(), ar.progress())));
        return bars;
    }

    static Response seeOther(String path) {
        return Response.seeOther(URI.create(path)).build();
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
