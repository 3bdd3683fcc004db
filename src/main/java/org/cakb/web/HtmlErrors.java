package org.cakb.web;

import org.cakb.pagecopies.SlottedPage;

import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.Response;
import org.cakb.common.ApiExceptionMappers;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Pages get an HTML 404 page; the JSON API (and anything under /api or /q) keeps its JSON error body.
 * Runs before the API's own NotFoundException mapper (lower priority value wins) and defers to the same JSON body.
 */
public class HtmlErrors {

    @ServerExceptionMapper(priority = 4000)
    public Response notFound(NotFoundException e, HttpServerRequest request) {
        if (!PageCache.isPage(request.path())) {
            return ApiExceptionMappers.json(404, "No such resource", null);
        }
        return Response.status(404).type(PageCache.HTML)
                .entity(SlottedPage.fill(Pages.Templates.notFound("There is no page at this address.", null).render(),
                        PersonalParts.anonymous())).build();
    }
}
