package org.cakb.security;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.cakb.common.PageOf;
import org.cakb.common.QueryParams;
import org.cakb.security.AccessPolicy.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The audit trail for admins. Read-only: nothing in the application edits or deletes it. */
@Path("/api/v1/admin/audit")
@Produces(MediaType.APPLICATION_JSON)
@Guarded
@Tag(name = "Administration")
public class AuditResource {

    @Inject
    AuditLog log;

    @GET
    @Policy(Operation.VIEW_AUDIT)
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "The audit trail, newest first, paged and filtered (admin)")
    @APIResponse(responseCode = "200", description = "One page of audit events", content = @Content(example = AuditLog.PAGE_EXAMPLE))
    public PageOf<AuditLog.Event> list(
            @Parameter(description = "page number, from 1") @QueryParam("page") String page,
            @Parameter(description = "page size, 1-200 (default 50)") @QueryParam("size") String size,
            @Parameter(description = "action or action prefix, e.g. account or auth.sign-in") @QueryParam("action") String action,
            @Parameter(description = "who acted (username, api-token:name or host:id)") @QueryParam("actor") String actor,
            @Parameter(description = "part of the target, e.g. user:alice") @QueryParam("target") String target,
            @Parameter(description = "success or failure") @QueryParam("outcome") String outcome,
            @Parameter(description = "ISO 8601 instant: events at or after it") @QueryParam("since") String since,
            @Parameter(description = "ISO 8601 instant: events before it") @QueryParam("until") String until) {
        if (outcome != null && !outcome.isBlank() && !outcome.equals("success") && !outcome.equals("failure")) {
            throw QueryParams.invalid("outcome", "must be success or failure");
        }
        return log.page(new AuditLog.Filter(action, actor, target, outcome, QueryParams.instant("since", since),
                QueryParams.instant("until", until)), page == null || page.isBlank() ? 1 : QueryParams.page(page), size == null || size.isBlank() ? 50 : QueryParams.size(size));
    }
}
