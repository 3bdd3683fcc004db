package org.cakb.security;

import java.util.List;

/** Every role name, defined once: {@code @RolesAllowed}, the access-policy table and the account records use these. */
public final class Roles {

    public static final String VIEWER = "viewer";
    public static final String ASSESSOR = "assessor";
    public static final String ADMIN = "admin";
    /** Read-only API tokens for GRC tools. */
    public static final String API_READ = "api-read";
    /** A host's agent credential. */
    public static final String AGENT = "agent";

    /** Roles a person's account can hold. */
    public static final List<String> PEOPLE = List.of(VIEWER, ASSESSOR, ADMIN);

    private Roles() {
    }

    /** The role shown next to a person's name: the most powerful one held ("" for none). */
    public static String highest(java.util.Collection<String> held) {
        return held.contains(ADMIN) ? ADMIN : held.contains(ASSESSOR) ? ASSESSOR : held.contains(VIEWER) ? VIEWER : "";
    }
}
