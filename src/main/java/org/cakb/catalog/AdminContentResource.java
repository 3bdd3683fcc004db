package org.cakb.catalog;

import org.cakb.security.Roles;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.cakb.common.ApiError;
import org.cakb.common.ApiExceptionMappers;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

/** Admin operations on the knowledge base content. */
@Path("/api/v1/admin/content")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
@Tag(name = "Administration")
public class AdminContentResource {

    @jakarta.inject.Inject
    org.cakb.security.AuditTrail audit;

    @Inject
    ContentLoader loader;

    @POST
    @Path("/reload")
    @Operation(summary = "Reload content/ now", description = "Validates every file, then writes all changes in one transaction. "
            + "On any problem nothing is written and the problems are listed.")
    @APIResponse(responseCode = "200", description = "Loaded; counts of added, updated, unchanged and withdrawn records",
            content = @Content(mediaType = "application/json", example = """
            {"trigger": "admin-api", "filesRead": 412, "added": 0, "updated": 2, "unchanged": 410, "withdrawn": 0, "tookMillis": 930}"""))
    @APIResponse(responseCode = "422", description = "Content has problems; the database is unchanged",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    public Response reload() {
        try {
            var report = loader.load("admin-api");
            audit.record(org.cakb.security.AuditTrail.CONTENT_RELOAD, "content", "loaded");
            return Response.ok(report).build();
        } catch (ContentException e) {
            audit.record(org.cakb.security.AuditTrail.CONTENT_RELOAD, null, "content", false, e.problems.size() + " problem(s); nothing loaded");
            return ApiExceptionMappers.json(422, e.problems.size() + " problem(s) in content/, nothing was loaded",
                    e.problems.stream().map(ContentProblem::toString).toList());
        }
    }

    @GET
    @Path("/loads")
    @Transactional
    @Operation(summary = "The 50 most recent content load attempts, newest first")
    @APIResponse(responseCode = "200", description = "The loads", content = @Content(example = """
            [{"id": 31, "startedAt": "2026-11-23T09:00:00Z", "finishedAt": "2026-11-23T09:00:02Z", "trigger": "admin-api",
              "outcome": "success", "filesRead": 412, "recordsAdded": 0, "recordsUpdated": 2, "recordsUnchanged": 410,
              "recordsWithdrawn": 0}]"""))
    public List<ContentLoad> history() {
        return ContentLoad.find("order by id desc").page(0, 50).list();
    }
}
