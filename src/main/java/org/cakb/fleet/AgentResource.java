package org.cakb.fleet;

import org.cakb.security.Roles;

import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.cakb.common.ApiException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.Map;

/** What an agent may do, and nothing more: enroll once, then submit reports about its own host. */
@Path("/api/v1/agent")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Agent", description = "Endpoints for the probe agent")
public class AgentResource {

    @Inject
    EnrollmentService enrollment;
    @Inject
    ReportIngestion ingestion;
    @Inject
    SecurityIdentity identity;
    @Inject
    ProbeBundles bundles;
    @Inject
    BundleSigner signer;
    @Inject
    AgentCredentials credentials;

    public record EnrollRequest(String token) {
    }

    @POST
    @Path("/enroll")
    @PermitAll
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Exchange a one-time enrollment token for this host's credential (shown once)")
    @APIResponse(responseCode = "201", description = "The host's credential (shown once)", content = @Content(mediaType = MediaType.APPLICATION_JSON, example = """
            {"hostId": 3, "hostName": "node-eu-1", "credential": "cakb_agent_...", "bundleSigningKey": "MCowBQYDK2VwAyEA...", "bundleSigningAlgorithm": "Ed25519"}"""))
    public Response enroll(EnrollRequest request) {
        if (request == null || request.token() == null || request.token().isBlank()) {
            throw ApiException.badRequest("body must be {\"token\": \"cakb_enroll_...\"}");
        }
        EnrollmentService.IssuedCredential issued = enrollment.enroll(request.token().strip());
        return Response.status(Response.Status.CREATED).entity(issued).build();
    }

    @POST
    @Path("/credential/rotate")
    @RolesAllowed(Roles.AGENT)
    @Operation(summary = "Rotate this agent's own credential: a new one is returned once; the old one keeps working for a short overlap or until the new one is used")
    @APIResponse(responseCode = "201", description = "The host's new credential (shown once)", content = @Content(mediaType = MediaType.APPLICATION_JSON, example = """
            {"hostId": 3, "hostName": "node-eu-1", "credential": "cakb_agent_..."}"""))
    public Response rotateCredential() {
        Long credentialId = identity.getAttribute(AgentCredentials.CREDENTIAL_ID);
        return Response.status(Response.Status.CREATED).entity(enrollment.rotate(credentialId)).build();
    }

    @GET
    @Path("/probes")
    @RolesAllowed(Roles.AGENT)
    @Operation(summary = "The current probe definitions, in the agent's bundle format (the same set the agent jar ships with)")
    @APIResponse(responseCode = "200", description = "The probe bundle", content = @Content(mediaType = MediaType.APPLICATION_JSON, example = """
            {"version": "2026-11-23", "probes": [{"id": "probe:seccomp/filter-mode", "verifies": ["cm:seccomp-filter"], "vantage": "container"}]}"""))
    public Response probes() {
        // the request was authenticated from memory: a revocation committed since refuses it here (see AgentCredentials)
        if (!credentials.stillValid(identity.<Long>getAttribute(AgentCredentials.CREDENTIAL_ID))) {
            throw org.cakb.common.DomainException.unauthenticated("this agent credential is revoked or expired; enroll the agent again");
        }
        String body = bundles.current();
        // the agent verifies this Ed25519 signature of the exact body bytes with the key it got at enrollment
        return Response.ok(body.getBytes(java.nio.charset.StandardCharsets.UTF_8), MediaType.APPLICATION_JSON)
                .header("Cakb-Bundle-Signature", signer.sign(body)).build();
    }

    @POST
    @Path("/reports")
    @RolesAllowed(Roles.AGENT)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Submit a report about this agent's own host and its containers (format 1 or 2); idempotent by report id",
            description = "Format 2 adds containers[]. A delta report names baseReportId (the last report the server acknowledged)"
                    + " and lists only results that changed since; when the server does not hold that state it answers 409 with"
                    + " fullReportRequired true and the agent sends a full report. The countermeasures a probe verifies come from"
                    + " the server's content; the verifies lists in a report are informational only.")
    @APIResponse(responseCode = "409", description = "A reused report id, or a delta against a state the server does not hold",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, example = """
            {"message": "this delta report is based on report ..., but the server holds ...; send a full report", "fullReportRequired": true}"""))
    @APIResponse(responseCode = "201", description = "Stored (200 with outcome duplicate for a resent report)", content = @Content(mediaType = MediaType.APPLICATION_JSON, example = """
            {"outcome": "stored"}"""))
    public Response submit(byte[] body) {
        long hostId = identity.<Long>getAttribute(AgentCredentials.HOST_ID);
        long credentialId = identity.<Long>getAttribute(AgentCredentials.CREDENTIAL_ID);
        ReportIngestion.Outcome outcome;
        try {
            outcome = ingestion.ingest(hostId, credentialId, body == null ? new byte[0] : body);
        } catch (FullReportRequired e) {
            return Response.status(Response.Status.CONFLICT).type(MediaType.APPLICATION_JSON)
                    .entity(Map.of("message", e.getMessage(), "fullReportRequired", true)).build();
        }
        return Response.status(outcome == ReportIngestion.Outcome.STORED ? Response.Status.CREATED : Response.Status.OK)
                .entity(Map.of("outcome", outcome.name().toLowerCase())).build();
    }
}
