package org.cakb.fleet;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.cakb.common.DomainException;
import org.cakb.common.ErrorStatus;
import org.cakb.security.AccountPages;
import org.cakb.security.Roles;
import org.jboss.resteasy.reactive.RestForm;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The admin page of drift webhooks: register one (its secret shown once), disable one, and see failed deliveries. */
@Path("/admin/webhooks")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed(Roles.ADMIN)
public class DriftWebhookPages {

    static final int FAILURES_SHOWN = 20;

    @Inject
    DriftWebhooks webhooks;
    @Inject
    SecurityIdentity identity;

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance webhooks(AccountPages.Nav nav, List<DriftWebhooks.Webhook> webhooks,
                                                Map<Long, List<DriftWebhooks.Delivery>> failures, DriftWebhooks.Created created,
                                                String message, String error, String url, String description);
    }

    @GET
    public TemplateInstance page() {
        return page(null, null, null, "", "");
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response create(@RestForm String url, @RestForm String description) {
        try {
            DriftWebhooks.Created created = webhooks.create(new DriftWebhooks.NewWebhook(url, description), user());
            return Response.ok(page(created, "Registered. Copy the secret now: it is not shown again.", null, "", "")).build();
        } catch (DomainException e) {
            return Response.status(ErrorStatus.of(e)).entity(page(null, null, e.getMessage(), nz(url), nz(description))).build();
        }
    }

    @POST
    @Path("/{id}/disable")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response disable(@PathParam("id") long id) {
        try {
            DriftWebhooks.Webhook w = webhooks.disable(id, user());
            return Response.ok(page(null, "Disabled " + w.url() + ".", null, "", "")).build();
        } catch (DomainException e) {
            return Response.status(ErrorStatus.of(e)).entity(page(null, null, e.getMessage(), "", "")).build();
        }
    }

    private TemplateInstance page(DriftWebhooks.Created created, String message, String error, String url, String description) {
        List<DriftWebhooks.Webhook> all = webhooks.list();
        Map<Long, List<DriftWebhooks.Delivery>> failures = new LinkedHashMap<>();
        for (DriftWebhooks.Webhook w : all) {
            if (w.refused() + w.failed() > 0) {
                failures.put(w.id(), webhooks.deliveries(w.id(), true, FAILURES_SHOWN));
            }
        }
        return Templates.webhooks(new AccountPages.Nav(user(), true, org.cakb.security.Roles.ADMIN), all, failures, created, message, error, url, description);
    }

    private String user() {
        return identity.getPrincipal().getName();
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
