package org.cakb.assessment;

import org.cakb.common.Validation;

import org.cakb.security.Access;
import org.cakb.security.AccessPolicy;
import org.cakb.security.Guarded;
import org.cakb.security.Policy;
import org.cakb.security.PolicyInterceptor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import org.cakb.security.AccessPolicy.Operation;
import org.cakb.common.ApiException;
import org.cakb.common.Conditional;
import org.cakb.common.QueryParams;
import org.cakb.common.PageOf;
import org.cakb.common.StableUuid;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;

/** Assessments API. Every method declares its operation; {@link PolicyInterceptor} enforces {@link AccessPolicy}. */
@Path("/api/v1/assessments")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Guarded
@Tag(name = "Assessments")
public class AssessmentResource {

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
    ProbeEvidenceService evidence;
    @Inject
    ObjectMapper json;

    @GET
    @Policy(Operation.LIST_ASSESSMENTS)
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "Assessments, one page at a time, oldest first",
            description = "page is 1-based, size 1-200 (default 50), ordered by id so pages stay put when assessments are added. "
                    + "Filters: status (draft | in-progress | completed), updated-since (ISO 8601 instant; counts changes to "
                    + "the assessment or any of its items). Items of one assessment: /{id}/items?area=...&result=.... "
                    + "Responses carry an ETag; send If-None-Match to get 304 when nothing changed.")
    @APIResponse(responseCode = "200", description = "A page of assessment summaries", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = PageOf.class), example = """
            {"items": [{"id": 12, "name": "Q4 cluster review", "target": "cluster eu-1", "targetLabels": {"env": "prod"},
                        "status": "in-progress", "assessors": ["alice"], "progress": {"total": 40, "assessed": 12, "satisfied": 9,
                        "partiallySatisfied": 1, "notSatisfied": 2, "notApplicable": 0, "notAssessed": 28, "percent": 30},
                        "version": 7}],
             "page": 1, "size": 50, "total": 1, "pages": 1}"""))
    @APIResponse(responseCode = "304", description = "Not modified since the ETag sent in If-None-Match")
    @APIResponse(responseCode = "400", description = "Bad page, size, status or updated-since")
    public Response list(@Parameter(description = "draft | in-progress | completed") @QueryParam("status") String status,
                         @Parameter(description = "ISO 8601 instant with offset; assessments changed (items included) at or after it")
                         @QueryParam("updated-since") String updatedSince,
                         @Parameter(description = "1-based page number") @QueryParam("page") @DefaultValue("1") String page,
                         @Parameter(description = "page size, 1-200") @QueryParam("size") @DefaultValue("50") String size,
                         @Context Request request) {
        PageOf<AssessmentViews.Summary> result = service.page(status, instant("updated-since", updatedSince),
                integer("page", page), integer("size", size), access.seesAllAssessments() ? null : access.username());
        EntityTag etag;
        try {
            etag = new EntityTag(StableUuid.of(json.writeValueAsString(result)).toString());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        Response.ResponseBuilder notModified = request.evaluatePreconditions(etag);
        return (notModified != null ? notModified : Response.ok(result)).tag(etag).build();
    }

    private static int integer(String name, String value) {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw Validation.field(name, "must be a whole number, got '" + value + "'");
        }
    }

    private static OffsetDateTime instant(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw Validation.field(name, "must be an ISO 8601 instant with offset, e.g. 2026-11-23T10:00:00Z; got '" + value + "'");
        }
    }

    @POST
    @Policy(Operation.CREATE_ASSESSMENT)
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "Create an assessment over a scope of requirements (admin)")
    @APIResponse(responseCode = "201", description = "The new assessment; Location points to it", content = @Content(schema = @Schema(implementation = AssessmentViews.Detail.class), example = ApiExamples.DETAIL))
    public Response create(AssessmentViews.NewAssessment body) {
        AssessmentViews.Detail created = service.create(body, access.username());
        return Response.status(201).header("Location", "/api/v1/assessments/" + created.id()).entity(created).build();
    }

    @GET
    @Path("/{id}")
    @Policy(Operation.VIEW_ASSESSMENT)
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "One assessment with scope, assessors, progress overall and per area")
    @APIResponse(responseCode = "200", description = "The assessment", content = @Content(schema = @Schema(implementation = AssessmentViews.Detail.class), example = ApiExamples.DETAIL))
    public AssessmentViews.Detail get(@Parameter(description = "assessment id") @PathParam("id") long id) {
        return service.detail(id);
    }

    @PUT
    @Path("/{id}")
    @Policy(Operation.EDIT_ASSESSMENT)
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "Change name, target, labels or dates; send the version you saw (409 when stale)")
    @APIResponse(responseCode = "200", description = "The updated assessment", content = @Content(schema = @Schema(implementation = AssessmentViews.Detail.class), example = ApiExamples.DETAIL))
    public AssessmentViews.Detail update(@Parameter(description = "assessment id") @PathParam("id") long id, AssessmentViews.AssessmentUpdate body) {
        return service.update(id, body, access.username());
    }

    @POST
    @Path("/{id}/status")
    @Policy(Operation.CHANGE_STATUS)
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "Move the assessment to in-progress or completed")
    @APIResponse(responseCode = "200", description = "The assessment with its new status", content = @Content(schema = @Schema(implementation = AssessmentViews.Detail.class), example = ApiExamples.DETAIL))
    public AssessmentViews.Detail status(@Parameter(description = "assessment id") @PathParam("id") long id, AssessmentViews.StatusChange body) {
        return service.changeStatus(id, body, access.username());
    }

    @POST
    @Path("/{id}/reopen")
    @Policy(Operation.REOPEN_ASSESSMENT)
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "Reopen a completed assessment with a reason (admin)")
    @APIResponse(responseCode = "200", description = "The reopened assessment", content = @Content(schema = @Schema(implementation = AssessmentViews.Detail.class), example = ApiExamples.DETAIL))
    public AssessmentViews.Detail reopen(@Parameter(description = "assessment id") @PathParam("id") long id, AssessmentViews.Reopen body) {
        return service.reopen(id, body, access.username());
    }

    @PUT
    @Path("/{id}/assessors")
    @Policy(Operation.ASSIGN_ASSESSORS)
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "Replace the assigned assessors (admin)")
    @APIResponse(responseCode = "200", description = "The assessment with its assessors", content = @Content(schema = @Schema(implementation = AssessmentViews.Detail.class), example = ApiExamples.DETAIL))
    public AssessmentViews.Detail assign(@Parameter(description = "assessment id") @PathParam("id") long id, AssessmentViews.Assignment body) {
        return service.assign(id, body, access.username());
    }

    @GET
    @Path("/{id}/hosts")
    @Policy(Operation.VIEW_LINKED_HOSTS)
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "Fleet hosts linked to the assessment, with their latest report")
    @APIResponse(responseCode = "200", description = "The linked hosts", content = @Content(schema = @Schema(implementation = EvidenceViews.LinkedHost.class, type = SchemaType.ARRAY), example = ApiExamples.LINKED_HOSTS))
    public List<EvidenceViews.LinkedHost> hosts(@Parameter(description = "assessment id") @PathParam("id") long id) {
        return linkedHosts.list(id);
    }

    /** Replaces the set of linked fleet hosts; each link and unlink is recorded in the history. */
    @PUT
    @Path("/{id}/hosts")
    @Policy(Operation.LINK_HOSTS)
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "Replace the linked fleet hosts (admin; 409 once completed)")
    @APIResponse(responseCode = "200", description = "The linked hosts now", content = @Content(schema = @Schema(implementation = EvidenceViews.LinkedHost.class, type = SchemaType.ARRAY), example = ApiExamples.LINKED_HOSTS))
    public List<EvidenceViews.LinkedHost> linkHosts(@Parameter(description = "assessment id") @PathParam("id") long id, EvidenceViews.HostLinks body) {
        return linkedHosts.replace(id, body, access.username());
    }

    @GET
    @Path("/{id}/items")
    @Policy(Operation.LIST_ITEMS)
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "The checklist items of an assessment, in checklist order",
            description = "Filters: area (area id, e.g. nistir8176:area/host-os-kernel), result, updated-since (ISO 8601 instant). "
                    + "Responses carry an ETag; send If-None-Match to get 304 when nothing changed.")
    @APIResponse(responseCode = "200", description = "The items", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = AssessmentViews.Item.class, type = SchemaType.ARRAY), example = ITEMS_EXAMPLE))
    @APIResponse(responseCode = "304", description = "Not modified since the ETag sent in If-None-Match")
    @APIResponse(responseCode = "400", description = "Bad result or updated-since")
    public Response items(@Parameter(description = "assessment id") @PathParam("id") long id,
                          @Parameter(description = "satisfied | partially-satisfied | not-satisfied | not-applicable | not-assessed")
                          @QueryParam("result") String result,
                          @Parameter(description = "area id, e.g. nistir8176:area/host-os-kernel") @QueryParam("area") String area,
                          @Parameter(description = "ISO 8601 instant with offset; items changed at or after it")
                          @QueryParam("updated-since") String updatedSince,
                          @Context Request request) {
        return Conditional.ok(request, json, items.items(id, result, area, QueryParams.instant("updated-since", updatedSince)));
    }

    @GET
    @Path("/{id}/items/{itemId}")
    @Policy(Operation.VIEW_ITEM)
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "One checklist item with its requirement as it is now and whether it changed since")
    @APIResponse(responseCode = "200", description = "The item", content = @Content(schema = @Schema(implementation = AssessmentViews.ItemDetail.class), example = ApiExamples.ITEM_DETAIL))
    @jakarta.transaction.Transactional
    public AssessmentViews.ItemDetail item(@Parameter(description = "assessment id") @PathParam("id") long id, @Parameter(description = "checklist item id") @PathParam("itemId") long itemId) {
        org.cakb.common.ReadOnlyPages.begin(em); // the most frequent script call: one read-only transaction, no flushes
        return items.item(id, itemId);
    }

    @PUT
    @Path("/{id}/items/{itemId}")
    @Policy(Operation.EDIT_ITEM)
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "Record result, justification, evidence and evidence method (EXAMINE or INTERVIEW); send the version you saw")
    @APIResponse(responseCode = "200", description = "The updated item", content = @Content(schema = @Schema(implementation = AssessmentViews.Item.class), example = ApiExamples.ITEM))
    public AssessmentViews.Item updateItem(@Parameter(description = "assessment id") @PathParam("id") long id, @Parameter(description = "checklist item id") @PathParam("itemId") long itemId, AssessmentViews.ItemUpdate body) {
        return items.updateItem(id, itemId, body, access.username());
    }

    @PUT
    @Path("/{id}/items/{itemId}/waiver")
    @Policy(Operation.SET_WAIVER)
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "Request a waiver (reason, expiry, compensating controls) on an item; an admin other than you decides",
            description = "The waiver is requested, not approved: it counts in progress and the exports only once an admin who "
                    + "did not request it approves it (POST .../waiver/approve). approver may not be sent (400): the approver is "
                    + "the approving admin's account. 409 while a request is pending or an approved waiver is in force.")
    @APIResponse(responseCode = "200", description = "The item with its requested waiver", content = @Content(schema = @Schema(implementation = AssessmentViews.Item.class), example = ApiExamples.ITEM))
    public AssessmentViews.Item setWaiver(@Parameter(description = "assessment id") @PathParam("id") long id, @Parameter(description = "checklist item id") @PathParam("itemId") long itemId, AssessmentViews.WaiverUpdate body) {
        return waivers.request(id, itemId, body, access.username());
    }

    @DELETE
    @Path("/{id}/items/{itemId}/waiver")
    @Policy(Operation.SET_WAIVER)
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "Withdraw the requested or approved waiver of an item; ?version= is required")
    @APIResponse(responseCode = "200", description = "The item with its waiver withdrawn", content = @Content(schema = @Schema(implementation = AssessmentViews.Item.class), example = ApiExamples.ITEM))
    public AssessmentViews.Item clearWaiver(@Parameter(description = "assessment id") @PathParam("id") long id, @Parameter(description = "checklist item id") @PathParam("itemId") long itemId, @Parameter(description = "the item version you saw (409 when stale)") @QueryParam("version") Long version) {
        if (version == null) {
            throw Validation.field("version", "query parameter version is required");
        }
        return waivers.withdraw(id, itemId, version, access.username());
    }

    @POST
    @Path("/{id}/items/{itemId}/waiver/approve")
    @Policy(Operation.DECIDE_WAIVER)
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "Approve the requested waiver as the signed-in admin (not its requester)",
            description = "The approver recorded is your account. 403 when you requested it yourself; 409 when nothing is requested, "
                    + "the expiry has passed or the item version is stale. note is optional.")
    @APIResponse(responseCode = "200", description = "The item with its approved waiver", content = @Content(schema = @Schema(implementation = AssessmentViews.Item.class), example = ApiExamples.ITEM))
    public AssessmentViews.Item approveWaiver(@Parameter(description = "assessment id") @PathParam("id") long id, @Parameter(description = "checklist item id") @PathParam("itemId") long itemId, AssessmentViews.WaiverDecision body) {
        return waivers.approve(id, itemId, body, access.username());
    }

    @POST
    @Path("/{id}/items/{itemId}/waiver/refuse")
    @Policy(Operation.DECIDE_WAIVER)
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "Refuse the requested waiver (admin); note says why and is required")
    @APIResponse(responseCode = "200", description = "The item with its refused waiver", content = @Content(schema = @Schema(implementation = AssessmentViews.Item.class), example = ApiExamples.ITEM))
    public AssessmentViews.Item refuseWaiver(@Parameter(description = "assessment id") @PathParam("id") long id, @Parameter(description = "checklist item id") @PathParam("itemId") long itemId, AssessmentViews.WaiverDecision body) {
        return waivers.refuse(id, itemId, body, access.username());
    }

    @GET
    @Path("/waiver-requests")
    @Policy(Operation.DECIDE_WAIVER)
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "Waiver requests waiting for an admin's decision, oldest first (admin)")
    @APIResponse(responseCode = "200", description = "The pending requests", content = @Content(schema = @Schema(implementation = AssessmentViews.PendingWaiver.class, type = SchemaType.ARRAY), example = ApiExamples.PENDING_WAIVERS))
    public List<AssessmentViews.PendingWaiver> waiverRequests() {
        return waivers.pending();
    }

    @GET
    @Path("/{id}/members")
    @Policy(Operation.MANAGE_MEMBERS)
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "Who may read the assessment: granted members and assigned assessors (admin)")
    @APIResponse(responseCode = "200", description = "The members", content = @Content(schema = @Schema(implementation = AssessmentMembers.Members.class), example = MEMBERS_EXAMPLE))
    public AssessmentMembers.Members members(@Parameter(description = "assessment id") @PathParam("id") long id) {
        return members.members(id);
    }

    @PUT
    @Path("/{id}/members")
    @Policy(Operation.MANAGE_MEMBERS)
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "Replace the granted read members (admin); viewers see only assessments granted to them",
            description = "members: usernames. Names missing from the list lose read access (unless assigned as assessors). "
                    + "Each grant and revocation is recorded in the audit trail and the assessment history.")
    @APIResponse(responseCode = "200", description = "The members now", content = @Content(schema = @Schema(implementation = AssessmentMembers.Members.class), example = MEMBERS_EXAMPLE))
    public AssessmentMembers.Members replaceMembers(@Parameter(description = "assessment id") @PathParam("id") long id, AssessmentMembers.MemberUpdate body) {
        return members.replace(id, body, access.username());
    }

    static final String MEMBERS_EXAMPLE = """
            {"assessmentId": 12, "granted": [{"username": "victor", "roles": "viewer", "grantedBy": "carol",
              "grantedAt": "2026-11-23T10:00:00Z"}], "assessors": ["alice"]}""";

    /**
     * Upload one evidence file as the raw request body (Content-Type: the file's type; ?filename=...). Not multipart:
     * the CSRF filter checks every multipart form, and API callers authenticate with HTTP Basic and hold no CSRF
     * cookie. Browsers upload multipart through the CSRF-protected page form instead.
     */
    @POST
    @Path("/{id}/items/{itemId}/attachments")
    @Consumes(MediaType.WILDCARD)
    @Policy(Operation.UPLOAD_ATTACHMENT)
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "Upload one evidence file as the raw request body (?filename=...)")
    @APIResponse(responseCode = "201", description = "The stored file's metadata", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AssessmentViews.AttachmentInfo.class), example = ApiExamples.ATTACHMENT))
    public Response upload(@Parameter(description = "assessment id") @PathParam("id") long id, @Parameter(description = "checklist item id") @PathParam("itemId") long itemId, @Parameter(description = "the file's name") @QueryParam("filename") String filename,
                           @HeaderParam("Content-Type") String contentType, InputStream body) {
        AssessmentViews.AttachmentInfo info = attachments.attach(id, itemId, filename, contentType, read(body), access.username());
        return Response.status(201).entity(info).build();
    }

    @GET
    @Path("/{id}/items/{itemId}/attachments/{attachmentId}")
    @Produces(MediaType.WILDCARD)
    @Policy(Operation.DOWNLOAD_ATTACHMENT)
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "Download an evidence file (signed-in people only, not API tokens)")
    public Response download(@Parameter(description = "assessment id") @PathParam("id") long id, @Parameter(description = "checklist item id") @PathParam("itemId") long itemId, @Parameter(description = "attachment id") @PathParam("attachmentId") long attachmentId) {
        return file(recorded(audit, id, itemId, attachments.attachment(id, itemId, attachmentId)));
    }

    @GET
    @Path("/{id}/items/{itemId}/probe-evidence")
    @Policy(Operation.VIEW_PROBE_EVIDENCE)
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "Latest probe results on the linked hosts for the item's countermeasures, with a suggested result")
    @APIResponse(responseCode = "200", description = "The probe evidence", content = @Content(schema = @Schema(implementation = EvidenceViews.ProbeEvidence.class), example = ApiExamples.PROBE_EVIDENCE))
    public EvidenceViews.ProbeEvidence probeEvidence(@Parameter(description = "assessment id") @PathParam("id") long id, @Parameter(description = "checklist item id") @PathParam("itemId") long itemId) {
        return evidence.evidence(id, itemId);
    }

    /** Accepts the suggestion or overrides it; send back the fingerprint and item version you saw (409 when either is stale). */
    @POST
    @Path("/{id}/items/{itemId}/probe-evidence")
    @Policy(Operation.DECIDE_PROBE_EVIDENCE)
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "Accept or override the suggested result (assigned assessor)")
    @APIResponse(responseCode = "200", description = "The probe evidence with the decision", content = @Content(schema = @Schema(implementation = EvidenceViews.ProbeEvidence.class), example = ApiExamples.PROBE_EVIDENCE))
    public EvidenceViews.ProbeEvidence decide(@Parameter(description = "assessment id") @PathParam("id") long id, @Parameter(description = "checklist item id") @PathParam("itemId") long itemId, EvidenceViews.Decision body) {
        return evidence.decide(id, itemId, body, access.username());
    }

    @GET
    @Path("/{id}/items/{itemId}/history")
    @Policy(Operation.VIEW_HISTORY)
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "The recorded changes of one item, one page at a time, oldest first",
            description = HISTORY_PAGING)
    @APIResponse(responseCode = "200", description = "A page of history entries", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = PageOf.class), example = HISTORY_EXAMPLE))
    @APIResponse(responseCode = "304", description = "Not modified since the ETag sent in If-None-Match")
    @APIResponse(responseCode = "400", description = "Bad page, size or since")
    public Response itemHistory(@Parameter(description = "assessment id") @PathParam("id") long id, @Parameter(description = "checklist item id") @PathParam("itemId") long itemId,
                                @Parameter(description = "ISO 8601 instant with offset; entries at or after it") @QueryParam("since") String since,
                                @Parameter(description = "same as since") @QueryParam("updated-since") String updatedSince,
                                @Parameter(description = "1-based page number") @QueryParam("page") @DefaultValue("1") String page,
                                @Parameter(description = "page size, 1-200") @QueryParam("size") @DefaultValue("50") String size,
                                @Context Request request) {
        return Conditional.ok(request, json, history.itemHistoryPage(id, itemId, since(since, updatedSince),
                QueryParams.page(page), QueryParams.size(size)));
    }

    @GET
    @Path("/{id}/history")
    @Policy(Operation.VIEW_HISTORY)
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "The recorded changes of an assessment and its items, one page at a time, oldest first",
            description = HISTORY_PAGING)
    @APIResponse(responseCode = "200", description = "A page of history entries", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = PageOf.class), example = HISTORY_EXAMPLE))
    @APIResponse(responseCode = "304", description = "Not modified since the ETag sent in If-None-Match")
    @APIResponse(responseCode = "400", description = "Bad page, size or since")
    public Response history(@Parameter(description = "assessment id") @PathParam("id") long id,
                            @Parameter(description = "ISO 8601 instant with offset; entries at or after it") @QueryParam("since") String since,
                            @Parameter(description = "same as since") @QueryParam("updated-since") String updatedSince,
                            @Parameter(description = "1-based page number") @QueryParam("page") @DefaultValue("1") String page,
                            @Parameter(description = "page size, 1-200") @QueryParam("size") @DefaultValue("50") String size,
                            @Context Request request) {
        return Conditional.ok(request, json, history.historyPage(id, since(since, updatedSince),
                QueryParams.page(page), QueryParams.size(size)));
    }

    /** History takes since and, like the other lists, updated-since; both at once would be ambiguous. */
    private static OffsetDateTime since(String since, String updatedSince) {
        if (since != null && !since.isBlank() && updatedSince != null && !updatedSince.isBlank()) {
            throw QueryParams.invalid("since", "give since or updated-since, not both");
        }
        return since != null && !since.isBlank() ? QueryParams.instant("since", since) : QueryParams.instant("updated-since", updatedSince);
    }

    private static final String HISTORY_PAGING = "page is 1-based, size 1-200 (default 50), ordered by id. since (or updated-since): "
            + "ISO 8601 instant, keeps entries recorded at or after it. Responses carry an ETag; send If-None-Match to get 304.";

    private static final String HISTORY_EXAMPLE = """
            {"items": [{"id": 881, "assessmentId": 12, "itemId": 340, "actor": "alice", "at": "2026-11-23T10:04:00Z",
                        "field": "result", "oldValue": "not-assessed", "newValue": "satisfied"}],
             "page": 1, "size": 50, "total": 1, "pages": 1}""";

    static final String ITEMS_EXAMPLE = """
            [{"id": 340, "assessmentId": 12, "position": 1, "requirementId": "nistir8176:req/4.1-1",
              "requirementTitle": "Host OS kernel is hardened", "requirementHash": "9f2c...", "areaId": "nistir8176:area/host-os-kernel",
              "areaTitle": "Host OS and kernel", "result": "satisfied", "justification": "Kernel 6.1 with lockdown=integrity",
              "evidenceText": "Reviewed sysctl output", "evidenceLinks": ["https://wiki.example/kernel"], "evidenceMethod": "EXAMINE",
              "updatedBy": "alice", "updatedAt": "2026-11-23T10:04:00Z", "version": 3,
              "attachments": [{"id": 7, "filename": "sysctl.txt", "contentType": "text/plain", "sizeBytes": 2048, "sha256": "3a7b...",
                               "uploadedBy": "alice", "uploadedAt": "2026-11-23T10:03:00Z"}]}]""";

    /** Reads a raw body, refusing it as soon as it passes the limit. */
    static byte[] read(InputStream body) {
        if (body == null) {
            throw Validation.field("file", "the request body (the file) is empty");
        }
        try (InputStream in = body) {
            byte[] data = in.readNBytes(Attachments.MAX_BYTES + 1);
            if (data.length > Attachments.MAX_BYTES) {
                long rest = data.length;
                while (in.read() >= 0) {
                    rest++;
                }
                throw Attachments.tooLarge(rest);
            }
            return data;
        } catch (IOException e) {
            throw new ApiException(Response.Status.BAD_REQUEST, "could not read the uploaded file");
        }
    }

    /** Reads an uploaded file, refusing one over the limit before reading it. */
    static byte[] read(FileUpload file) {
        if (file == null || file.uploadedFile() == null) {
            throw Validation.field("file", "a multipart part named 'file' is required");
        }
        if (file.size() > Attachments.MAX_BYTES) {
            throw Attachments.tooLarge(file.size());
        }
        try {
            return Files.readAllBytes(file.uploadedFile());
        } catch (IOException e) {
            throw new ApiException(Response.Status.BAD_REQUEST, "could not read the uploaded file");
        }
    }

    /** Every evidence download is recorded in the audit trail: who, from where, when, which file. */
    static ItemAttachment recorded(org.cakb.security.AuditTrail audit, long id, long itemId, ItemAttachment att) {
        audit.record(org.cakb.security.AuditTrail.EVIDENCE_DOWNLOAD, "assessment:" + id + "/item:" + itemId + "/attachment:" + att.id,
                att.filename + " (sha256 " + att.sha256 + ")");
        return att;
    }

    static Response file(ItemAttachment att) {
        String type = att.contentType.equals("text/plain") ? "text/plain; charset=UTF-8" : att.contentType;
        String ascii = att.filename.replaceAll("[^A-Za-z0-9._ -]", "_");
        return Response.ok(att.data, type)
                .header("Content-Disposition", "attachment; filename=\"" + ascii + "\"")
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Security-Policy", "sandbox")
                .build();
    }
}
