package org.cakb.security;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * THE authorization policy: every operation on assessments and accounts, for every role, in one table.
 * The API and the browser pages both declare their operation with {@link Policy}; {@link PolicyInterceptor}
 * enforces this table on the server for every call (a method without a declared operation is refused).
 * A user holding several roles gets the most permissive grant among them.
 */
public final class AccessPolicy {

    /** What a role may do for one operation. */
    public enum Grant {
        /** always */
        ALLOW,
        /** only on assessments the user is assigned to as an assessor */
        IF_ASSIGNED,
        /**
         * only on assessments the user is a member of: assigned as an assessor, or granted read access by an admin.
         * Anyone else is told the assessment does not exist (404), so its existence is not revealed.
         */
        IF_MEMBER,
        /** never */
        DENY
    }

    /** Whether an operation is refused (409) while the assessment is completed. */
    public enum WhenCompleted { ALLOWED, READ_ONLY }

    public enum Operation {
        LIST_ASSESSMENTS, VIEW_ASSESSMENT, CREATE_ASSESSMENT, EDIT_ASSESSMENT, CHANGE_STATUS, REOPEN_ASSESSMENT,
        ASSIGN_ASSESSORS, LIST_ITEMS, VIEW_ITEM, EDIT_ITEM, SET_WAIVER, UPLOAD_ATTACHMENT, DOWNLOAD_ATTACHMENT,
        VIEW_HISTORY, LIST_USERS, CREATE_USER, VIEW_LINKED_HOSTS, LINK_HOSTS, VIEW_PROBE_EVIDENCE, DECIDE_PROBE_EVIDENCE,
        CHANGE_ROLES, DISABLE_USER, RESET_PASSWORD, CHANGE_OWN_PASSWORD, VIEW_AUDIT, DECIDE_WAIVER, MANAGE_MEMBERS
    }


    public static final List<String> ROLES = List.of(Roles.VIEWER, Roles.ASSESSOR, Roles.ADMIN, Roles.API_READ);

    /** One row of the table. */
    public record Rule(Operation operation, Grant viewer, Grant assessor, Grant admin, Grant apiRead, WhenCompleted whenCompleted) {
        public Grant grantFor(String role) {
            return switch (role) {
                case Roles.VIEWER -> viewer;
                case Roles.ASSESSOR -> assessor;
                case Roles.ADMIN -> admin;
                case Roles.API_READ -> apiRead;
                default -> Grant.DENY;
            };
        }
    }

    private static final Grant A = Grant.ALLOW, ASSIGNED = Grant.IF_ASSIGNED, MEMBER = Grant.IF_MEMBER, D = Grant.DENY;
    private static final WhenCompleted OPEN = WhenCompleted.ALLOWED, RO = WhenCompleted.READ_ONLY;

    // viewers and assessors read only the assessments they are members of (granted, or assigned as assessors); the
    // list shows only those. Admins and api-read tokens (issued by admins for GRC tools) read all.
    // api-read: tokens read assessments, items, history and attachment metadata (in the item views), never write.
    // Attachment bytes stay with people: a bearer secret kept in a GRC tool is a weaker credential than an
    // account, and evidence files (screenshots, configs) are the most sensitive part of an assessment.
    //                                                   viewer    assessor   admin  api-read  completed assessment
    public static final List<Rule> TABLE = List.of(
            new Rule(Operation.LIST_ASSESSMENTS,       A,        A,         A,     A,        OPEN),
            new Rule(Operation.VIEW_ASSESSMENT,        MEMBER,   MEMBER,         A,     A,        OPEN),
            new Rule(Operation.CREATE_ASSESSMENT,      D,        D,         A,     D,        OPEN),
            new Rule(Operation.EDIT_ASSESSMENT,        D,        D,         A,     D,        RO),
            new Rule(Operation.CHANGE_STATUS,          D,        ASSIGNED,  A,     D,        RO),
            new Rule(Operation.REOPEN_ASSESSMENT,      D,        D,         A,     D,        OPEN),
            new Rule(Operation.ASSIGN_ASSESSORS,       D,        D,         A,     D,        RO),
            new Rule(Operation.LIST_ITEMS,             MEMBER,   MEMBER,         A,     A,        OPEN),
            new Rule(Operation.VIEW_ITEM,              MEMBER,   MEMBER,         A,     A,        OPEN),
            new Rule(Operation.EDIT_ITEM,              D,        ASSIGNED,  D,     D,        RO),
            // waivers: requested (and withdrawn) by the item's assessors or an admin; decided only by an admin who did not
            // request it (checked in Waivers and by a database constraint)
            new Rule(Operation.SET_WAIVER,             D,        ASSIGNED,  A,     D,        RO),
            new Rule(Operation.DECIDE_WAIVER,          D,        D,         A,     D,        RO),
            new Rule(Operation.UPLOAD_ATTACHMENT,      D,        ASSIGNED,  D,     D,        RO),
            new Rule(Operation.DOWNLOAD_ATTACHMENT,    MEMBER,   MEMBER,         A,     D,        OPEN),
            new Rule(Operation.VIEW_HISTORY,           MEMBER,   MEMBER,         A,     A,        OPEN),
            new Rule(Operation.LIST_USERS,             D,        D,         A,     D,        OPEN),
            new Rule(Operation.CREATE_USER,            D,        D,         A,     D,        OPEN),
            new Rule(Operation.VIEW_LINKED_HOSTS,      MEMBER,   MEMBER,         A,     A,        OPEN),
            // which hosts an assessment looks at is part of its target, which only an admin sets (as EDIT_ASSESSMENT);
            // an assessor who could pick the hosts could also pick the evidence they then judge
            new Rule(Operation.LINK_HOSTS,             D,        D,         A,     D,        RO),
            new Rule(Operation.VIEW_PROBE_EVIDENCE,    MEMBER,   MEMBER,         A,     A,        OPEN),
            new Rule(Operation.DECIDE_PROBE_EVIDENCE,  D,        ASSIGNED,  D,     D,        RO),
            // accounts: admins manage them; everyone with an account (not a token) changes their own password
            new Rule(Operation.CHANGE_ROLES,           D,        D,         A,     D,        OPEN),
            new Rule(Operation.DISABLE_USER,           D,        D,         A,     D,        OPEN),
            new Rule(Operation.RESET_PASSWORD,         D,        D,         A,     D,        OPEN),
            new Rule(Operation.CHANGE_OWN_PASSWORD,    A,        A,         A,     D,        OPEN),
            new Rule(Operation.VIEW_AUDIT,             D,        D,         A,     D,        OPEN),
            // who (besides its assessors) may read an assessment: admins grant and revoke read membership
            new Rule(Operation.MANAGE_MEMBERS,         D,        D,         A,     D,        OPEN));

    private static final Map<Operation, Rule> BY_OPERATION = new EnumMap<>(Operation.class);

    static {
        for (Rule rule : TABLE) {
            if (BY_OPERATION.put(rule.operation(), rule) != null) {
                throw new IllegalStateException("two policy rows for " + rule.operation());
            }
        }
        for (Operation op : Operation.values()) {
            if (!BY_OPERATION.containsKey(op)) {
                throw new IllegalStateException("no policy row for " + op);
            }
        }
    }

    private AccessPolicy() {
    }

    public static Rule rule(Operation operation) {
        return BY_OPERATION.get(operation);
    }

    /** The strongest grant any of the roles gives. */
    public static Grant grant(Operation operation, Set<String> roles) {
        Rule rule = rule(operation);
        Grant best = Grant.DENY;
        for (String role : roles) {
            Grant g = rule.grantFor(role);
            if (g == Grant.ALLOW) {
                return Grant.ALLOW;
            }
            if (g == Grant.IF_MEMBER || (g == Grant.IF_ASSIGNED && best == Grant.DENY)) {
                best = g; // members include the assigned assessors: IF_MEMBER is the wider grant
            }
        }
        return best;
    }

    /**
     * Whether a user with these roles, assigned or not, may perform the operation (ignoring the completed state).
     * An assigned assessor is a member; a user granted read access only is a member but not assigned.
     */
    public static boolean allows(Operation operation, Set<String> roles, boolean assigned) {
        return allows(operation, roles, assigned, assigned);
    }

    public static boolean allows(Operation operation, Set<String> roles, boolean assigned, boolean member) {
        Grant g = grant(operation, roles);
        return g == Grant.ALLOW || (g == Grant.IF_ASSIGNED && assigned) || (g == Grant.IF_MEMBER && (member || assigned));
    }
}
