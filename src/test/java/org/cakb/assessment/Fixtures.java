package org.cakb.assessment;

import org.cakb.security.Roles;

import org.cakb.security.AppUser;

import io.quarkus.elytron.security.common.BcryptUtil;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.restassured.specification.RequestSpecification;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;

/** Test users and small assessments, created directly through the service. */
@ApplicationScoped
public class Fixtures {

    public static final String PASSWORD = "correct-horse-battery";
    public static final String ADMIN = "admin";
    public static final String ADMIN_PASSWORD = "test-admin-password";
    public static final String VIEWER = "viewer-t";
    public static final String ASSESSOR = "assessor-t";
    public static final String OTHER_ASSESSOR = "assessor-u";
    /** A viewer no fixture assessment is granted to: sees none of them (404). */
    public static final String OTHER_VIEWER = "viewer-u";
    /** Two requirements with areas; enough for a small checklist. */
    public static final List<String> TWO = List.of("nistir8176:req/a2-minimal-capabilities", "nistir8176:req/a2-no-new-privs");

    @Inject
    AssessmentService service;
    @Inject
    AssessmentHistory history;
    @Inject
    ItemAttachments attachments;
    @Inject
    ChecklistItems items;
    @Inject
    AssessmentMembers members;
    @Inject
    Waivers waivers;

    @Inject
    org.cakb.security.Accounts accounts;

    public org.cakb.security.Accounts accounts() {
        return accounts;
    }

    public AssessmentHistory history() {
        return history;
    }

    public AssessmentService service() {
        return service;
    }

    public void users() {
        QuarkusTransaction.requiringNew().run(() -> {
            for (String[] u : new String[][]{{VIEWER, Roles.VIEWER}, {ASSESSOR, Roles.ASSESSOR}, {OTHER_ASSESSOR, Roles.ASSESSOR},
                    {OTHER_VIEWER, Roles.VIEWER}}) {
                if (AppUser.findByUsername(u[0]) == null) {
                    AppUser user = new AppUser();   // cost 4 keeps the many Basic-auth calls of the tests fast
                    user.username = u[0];
                    user.passwordHash = BcryptUtil.bcryptHash(PASSWORD, 4);
                    user.roles = u[1];
                    user.persist();
                }
            }
        });
    }

    /** A draft assessment over {@link #TWO}, assigned to {@link #ASSESSOR}, readable by {@link #VIEWER} (granted). */
    public AssessmentViews.Detail assessment(String name) {
        users();
        AssessmentViews.Detail d = service.create(new AssessmentViews.NewAssessment(name, "cluster eu-1", Map.of("env", "test"),
                new Scope(List.of(), List.of(), List.of(), TWO), null, null, List.of(ASSESSOR)), ADMIN);
        members.replace(d.id(), new AssessmentMembers.MemberUpdate(List.of(VIEWER)), ADMIN);
        return d;
    }

    public AssessmentMembers members() {
        return members;
    }

    public Waivers waivers() {
        return waivers;
    }

    /** A completed assessment (every item satisfied). */
    public AssessmentViews.Detail completed(String name) {
        return complete(assessment(name).id());
    }

    public AssessmentViews.Detail complete(long id) {
        AssessmentViews.Detail d = service.detail(id);
        for (AssessmentViews.Item i : items.items(d.id(), null, null)) {
            items.updateItem(d.id(), i.id(), new AssessmentViews.ItemUpdate(i.version(), "satisfied", "ok", "seen", List.of()), ASSESSOR);
        }
        long version = service.detail(d.id()).version();
        service.changeStatus(d.id(), new AssessmentViews.StatusChange(version, "completed"), ASSESSOR);
        return service.detail(d.id());
    }

    /** Attaches a small text file to the item and returns its id. */
    public long attachment(long id, long itemId) {
        return attachments.attach(id, itemId, "fixture.txt", "text/plain", "fixture evidence".getBytes(), ASSESSOR).id();
    }

    public AssessmentViews.Detail detail(long id) {
        return service.detail(id);
    }

    public List<AssessmentViews.Item> items(long id) {
        return items.items(id, null, null);
    }

    /** A new read-only API token (role api-read), created by the admin. */
    public static String apiToken(String name) {
        return as(ADMIN).contentType(io.restassured.http.ContentType.JSON).body(Map.of("name", name))
                .post("/api/v1/admin/api-tokens").then().statusCode(201).extract().path("token");
    }

    /** Calls as a user (HTTP Basic), as an API token (a {@code cakb_api_} secret, Bearer) or anonymously (null). */
    public static RequestSpecification as(String user) {
        if (user == null) {
            return given();
        }
        if (user.startsWith("cakb_api_")) {
            return given().auth().oauth2(user);
        }
        return given().auth().preemptive().basic(user, ADMIN.equals(user) ? ADMIN_PASSWORD : PASSWORD);
    }
}
