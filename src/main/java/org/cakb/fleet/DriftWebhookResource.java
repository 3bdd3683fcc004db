package org.cakb.fleet;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.cakb.common.QueryParams;
import org.cakb.security.Roles;
import org.cakb.security.UserResource;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

/** Admins register drift webhooks and see their deliveries (docs/webhooks.md describes the signature). */
@Path("/api/v1/admin/webhooks")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
@Tag(name = "Administration")
public class DriftWebhookResource {

    @Inject
    DriftWebhooks webhooks;
    @Inject
    SecurityIdentity identity;

    static final String WEBHOOK = """
            {"id": 3, "url": "https://siem.example/hooks/cakb", "description": "SOC drift alerts", "secretHint": "cakb_whsec_Q2xh…",
             "createdBy": "carol", "createdAt": "2026-11-23T09:00:00Z", "disabledBy": null, "disabledAt": null,
             "pending": 0, "delivered": 41, "refused": 1, "failed": 0}""";

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Register a drift webhook (https URL); the signing secret is in this response only")
    @APIResponse(responseCode = "201", description = "The webhook and its secret (shown once)", content = @Content(schema = @Schema(implementation = DriftWebhooks.Created.class), example = """
            {"webhook": {"id": 3, "url": "https://siem.example/hooks/cakb", "description": "SOC drift alerts", "secretHint": "cakb_whsec_Q2xh…",
             "createdBy": "carol", "createdAt": "2026-11-23T09:00:00Z", "pending": 0, "delivered": 0, "refused": 0, "failed": 0},
             "secret": "cakb_whsec_Q2xhc3NpZmllZC...", "signatureHeader": "X-CAKB-Signature"}"""))
    @APIResponse(responseCode = "400", description = "Not an https URL (or a URL with credentials)")
    public Response create(DriftWebhooks.NewWebhook body) {
        if (body == null) {
            throw org.cakb.common.Validation.field("url", "is required");
        }
        return Response.status(Response.Status.CREATED).entity(webhooks.create(body, identity.getPrincipal().getName())).build();
    }

    @GET
    @Operation(summary = "Every drift webhook with its delivery counts; never the secret")
    @APIResponse(responseCode = "200", description = "The webhooks", content = @Content(schema = @Schema(implementation = DriftWebhooks.Webhook.class, type = SchemaType.ARRAY), example = "[" + WEBHOOK + "]"))
    public List<DriftWebhooks.Webhook> list() {
        return webhooks.list();
    }

    @POST
    @Path("/{id}/disable")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Disable a webhook: no new events are queued and pending deliveries are cancelled (body {})")
    @APIResponse(responseCode = "200", description = "The disabled webhook", content = @Content(schema = @Schema(implementation = DriftWebhooks.Webhook.class), example = WEBHOOK))
    public DriftWebhooks.Webhook disable(@Parameter(description = "webhook id") @PathParam("id") long id, UserResource.Empty body) {
        return webhooks.disable(id, identity.getPrincipal().getName());
    }

    @GET
    @Path("/{id}/deliveries")
    @Operation(summary = "The webhook's latest deliveries, newest first: state, attempts, last HTTP status and error")
    @APIResponse(responseCode = "200", description = "The deliveries", content = @Content(schema = @Schema(implementation = DriftWebhooks.Delivery.class, type = SchemaType.ARRAY), example = """
            [{"id": 88, "eventId": "6f1c2a9e-0b7d-4c55-9f57-3f2b8d1e9a10", "eventType": "check.failed", "state": "refused", "attempts": 1,
              "lastStatus": 410, "lastError": "HTTP 410: hook removed", "createdAt": "2026-11-23T11:05:02Z",
              "lastAttemptAt": "2026-11-23T11:05:10Z", "nextAttemptAt": null, "finishedAt": "2026-11-23T11:05:10Z"}]"""))
    public List<DriftWebhooks.Delivery> deliveries(@Parameter(description = "webhook id") @PathParam("id") long id,
                                                   @Parameter(description = "true: only refused and failed deliveries") @QueryParam("failures") @DefaultValue("false") String failures,
                                                   @Parameter(description = "how many, 1-200 (default 50)") @QueryParam("limit") @DefaultValue("50") String limit) {
        return webhooks.deliveries(id, Boolean.parseBoolean(failures.strip()), QueryParams.size(limit));
    }
}
