package org.cakb.pagecopies;

import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The slots every page has for the signed-in person: the session box (name, role, log-out form with this request's
 * CSRF token), an admin's administration links, and the CSRF token of the page's own forms. The same two tag files
 * the layout renders inline, so every page has one header whichever way it was made.
 */
@ApplicationScoped
public class SessionParts {

    @Inject
    @Location("tags/sessionBox.html")
    Template sessionBox;
    @Inject
    @Location("tags/adminLinks.html")
    Template adminLinks;

    /** A token-shaped placeholder (base64url characters only, so escaping leaves it alone). */
    private static final String TOKEN_PLACEHOLDER = "cakbSessionTokenPlaceholder0";
    private static final int MAX_BOXES = 10_000;
    /** A person's session box rendered once, cut where the token goes: every signed-in page carries one. */
    private final ConcurrentHashMap<String, String[]> boxes = new ConcurrentHashMap<>();

    /** The session box of a person; {@code token} null leaves out the hidden CSRF field. */
    public String session(String user, String role, String token, String csrfName) {
        if (token == null) {
            return render(user, role, null, csrfName);
        }
        String key = user + "\n" + role + "\n" + csrfName;
        String[] cut = boxes.get(key);
        if (cut == null) {
            String html = render(user, role, TOKEN_PLACEHOLDER, csrfName);
            int at = html.indexOf(TOKEN_PLACEHOLDER);
            if (at < 0 || html.indexOf(TOKEN_PLACEHOLDER, at + 1) >= 0) {
                return render(user, role, token, csrfName);
            }
            cut = new String[]{html.substring(0, at), html.substring(at + TOKEN_PLACEHOLDER.length())};
            if (boxes.size() >= MAX_BOXES) {
                boxes.clear();
            }
            boxes.put(key, cut);
        }
        return cut[0] + token + cut[1];
    }

    private String render(String user, String role, String token, String csrfName) {
        return sessionBox.data("user", user).data("role", role).data("csrfName", token == null ? "" : csrfName)
                .data("csrfToken", token).render();
    }

    public String adminLinks() {
        return adminLinks.render();
    }

    /** The slot filler of a dynamic page for a person ({@code admin}: shows the administration links). */
    public Function<SlottedPage.Slot, String> filler(String user, String role, boolean admin, String token, String csrfName) {
        return slot -> switch (slot) {
            case SESSION -> session(user, role, token, csrfName);
            case NAV -> admin ? adminLinks() : null;
            case CSRF -> token;
            case COVERAGE -> null;
        };
    }
}
