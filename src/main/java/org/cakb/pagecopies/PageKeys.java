package org.cakb.pagecopies;

import java.util.Set;

/**
 * Decides, for a family of dynamic pages, under which key a signed-in person's GET may be answered from a
 * {@link PageCopies copy}, without the database and on the event loop. Implementations answer null whenever that
 * takes anything not in memory (an unknown permission, a page not of their family, a query that shows a message), and
 * the request then goes to the page resource as usual, which authorizes it and renders it.
 */
public interface PageKeys {

    /** The signed-in person as authentication established them. */
    record Viewer(String name, Set<String> roles) {
    }

    /** The copy key for this request, or null. {@code uri} is the path with its query string. */
    String key(String path, String uri, Viewer viewer);
}
