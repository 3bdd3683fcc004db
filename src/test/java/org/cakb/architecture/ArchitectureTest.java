package org.cakb.architecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import jakarta.persistence.Entity;
import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The package rules of docs/architecture.md, checked on the compiled main classes. */
class ArchitectureTest {

    static final int MAX_LINES = 600;
    /** Streaming exports read with JDBC cursors on purpose (docs/architecture.md, data access). */
    static final List<String> STREAMING_EXPORTS = List.of("org.cakb.export.OscalAssessmentResults", "org.cakb.export.HostResultsCsv",
            "org.cakb.export.AssessmentResultsSql", "org.cakb.export.ChecklistCsv");

    /** The agent's own JSON maps and arrays are JDK-only by design; it never queries a database (named exception). */
    static final String AGENT = "org.cakb.agent..";
    /**
     * Code that still reads native rows untyped (Object[] rows, unchecked casts of raw lists). Shrink this list as each
     * moves to common.Rows or typed queries; docs/architecture.md lists the same.
     */
    static final List<String> UNTYPED_ROW_READERS_STILL_ALLOWED = List.of(); // fleet converted (branch fleetperf)

    static JavaClasses main;

    @BeforeAll
    static void importMain() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("org.cakb");
    }

    /** The agent runs as root on hosts: nothing but the JDK and itself. */
    static final ArchRule AGENT_JDK_ONLY = classes().that().resideInAPackage("org.cakb.agent..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "javax.crypto..", "javax.net..", "javax.security..", "org.cakb.agent..")
            .because("the agent jar is one self-contained file that depends on the JDK only");

    static final ArchRule COMMON_DEPENDS_ON_NO_DOMAIN = noClasses().that().resideInAPackage("org.cakb.common..")
            .should().dependOnClassesThat().resideInAnyPackage("org.cakb.agent..", "org.cakb.assessment..", "org.cakb.catalog..",
                    "org.cakb.export..", "org.cakb.fleet..", "org.cakb.security..", "org.cakb.web..")
            .because("common holds error bodies, pagination and stable UUIDs for every domain and knows none of them");

    static final ArchRule SECURITY_DEPENDS_ONLY_ON_COMMON = noClasses().that().resideInAPackage("org.cakb.security..")
            .should().dependOnClassesThat().resideInAnyPackage("org.cakb.agent..", "org.cakb.assessment..", "org.cakb.catalog..",
                    "org.cakb.export..", "org.cakb.fleet..", "org.cakb.web..")
            .because("every domain uses security; it asks domains through interfaces it owns (AssessmentMembership)");

    static final ArchRule NO_SERVER_CODE_USES_AGENT_INTERNALS_EXCEPT_BUNDLES = noClasses().that().resideOutsideOfPackage("org.cakb.agent..")
            .and().resideOutsideOfPackages("org.cakb.catalog..", "org.cakb.fleet..")
            .should().dependOnClassesThat().resideInAPackage("org.cakb.agent..")
            .because("only the probe-bundle code (catalog, fleet) reads the agent's check types");

    static final ArchRule NO_CYCLES = slices().matching("org.cakb.(*)..").should().beFreeOfCycles();

    static final ArchRule SERVICES_KNOW_NO_HTTP = noClasses().that().haveSimpleNameEndingWith("Service")
            .should().dependOnClassesThat().resideInAnyPackage("jakarta.ws.rs..")
            .because("services throw DomainException; the HTTP status is chosen in one place (ErrorStatus)");

    static final DescribedPredicate<JavaMethodCall> ENTITY_QUERY = new DescribedPredicate<>("a query method of an @Entity class") {
        @Override
        public boolean test(JavaMethodCall call) {
            JavaClass owner = call.getTargetOwner();
            return owner.isAnnotatedWith(Entity.class) && call.getTarget().resolveMember()
                    .map(m -> m.getModifiers().contains(com.tngtech.archunit.core.domain.JavaModifier.STATIC)).orElse(true);
        }
    };

    static final ArchRule WEB_AND_EXPORT_GO_THROUGH_SERVICES = noClasses().that().resideInAnyPackage("org.cakb.web..", "org.cakb.export..")
            .and().doNotHaveFullyQualifiedName(STREAMING_EXPORTS.get(0)).and().doNotHaveFullyQualifiedName(STREAMING_EXPORTS.get(1))
            .and().doNotHaveFullyQualifiedName(STREAMING_EXPORTS.get(2)).and().doNotHaveFullyQualifiedName(STREAMING_EXPORTS.get(3))
            .and().haveSimpleNameNotEndingWith("Queries")
            .should().callMethodWhere(ENTITY_QUERY).orShould().dependOnClassesThat().areAssignableTo(EntityManager.class)
            .because("pages and exports read through services and read-only *Queries classes, never entities' tables directly");

    /** Result reads of an untyped query: rows come back as Object, Object[] or a raw List that the caller has to cast. */
    static final DescribedPredicate<JavaMethodCall> UNTYPED_QUERY_READ = new DescribedPredicate<>(
            "a result read of an untyped query (jakarta.persistence.Query or a Hibernate NativeQuery)") {
        final java.util.Set<String> reads = java.util.Set.of("getResultList", "getResultStream", "getSingleResult", "getSingleResultOrNull",
                "list", "stream", "uniqueResult", "uniqueResultOptional", "scroll");

        @Override
        public boolean test(JavaMethodCall call) {
            String owner = call.getTargetOwner().getName();
            return reads.contains(call.getName())
                    && (owner.equals("jakarta.persistence.Query") || owner.equals("org.hibernate.query.NativeQuery"));
        }
    };

    static ArchRule typedRowReads(List<String> stillAllowed) {
        String[] outside = Stream.concat(Stream.of(AGENT), stillAllowed.stream()).toArray(String[]::new);
        return noClasses().that().resideOutsideOfPackages(outside).and().doNotHaveFullyQualifiedName("org.cakb.common.Rows")
                .should().callMethodWhere(UNTYPED_QUERY_READ)
                .because("native SQL is read through common.Rows (a Tuple per row, read by column alias) or typed queries, never as"
                        + " Object[] rows or unchecked casts (docs/architecture.md, data access)");
    }

    @Test
    void agentDependsOnTheJdkOnly() {
        AGENT_JDK_ONLY.check(main);
    }

    @Test
    void commonDependsOnNoDomain() {
        COMMON_DEPENDS_ON_NO_DOMAIN.check(main);
    }

    @Test
    void securityDependsOnlyOnCommon() {
        SECURITY_DEPENDS_ONLY_ON_COMMON.check(main);
    }

    @Test
    void onlyProbeBundleCodeReadsAgentTypes() {
        NO_SERVER_CODE_USES_AGENT_INTERNALS_EXCEPT_BUNDLES.check(main);
    }

    @Test
    void noCyclesBetweenPackages() {
        NO_CYCLES.check(main);
    }

    @Test
    void servicesThrowDomainExceptionsNotHttp() {
        SERVICES_KNOW_NO_HTTP.check(main);
    }

    @Test
    void webAndExportReadThroughServices() {
        WEB_AND_EXPORT_GO_THROUGH_SERVICES.check(main);
    }

    @Test
    void queryResultsAreReadTyped() {
        typedRowReads(UNTYPED_ROW_READERS_STILL_ALLOWED).check(main);
    }

    @Test
    void noClassOverSixHundredLines() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            List<String> long_ = files.filter(p -> p.toString().endsWith(".java")).filter(p -> lines(p) > MAX_LINES)
                    .map(p -> p + " (" + lines(p) + " lines)").toList();
            assertTrue(long_.isEmpty(), "classes over " + MAX_LINES + " lines: " + long_);
        }
    }

    /** The rules can fail: applied to classes that break them on purpose, each reports a violation. */
    @Test
    void selfCheckTheRulesCatchViolations() {
        JavaClasses broken = new ClassFileImporter().importClasses(BrokenAgentClass.class, BrokenService.class);
        EvaluationResult agent = classes().that().haveSimpleName("BrokenAgentClass").should().onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "org.cakb.architecture..").evaluate(broken);
        assertTrue(agent.hasViolation(), "a class using Jackson must break the JDK-only rule");
        assertTrue(SERVICES_KNOW_NO_HTTP.evaluate(broken).hasViolation(), "a service importing jakarta.ws.rs must break the rule");
        EvaluationResult cycles = slices().matching("org.cakb.architecture.cycle.(*)..").should().beFreeOfCycles()
                .evaluate(new ClassFileImporter().importPackages("org.cakb.architecture.cycle"));
        assertTrue(cycles.hasViolation(), "two packages using each other must break the no-cycle rule");
        JavaClasses queries = new ClassFileImporter().importClasses(BrokenQueries.class, TypedQueries.class);
        EvaluationResult rows = typedRowReads(List.of()).evaluate(queries);
        assertTrue(rows.hasViolation(), "reading Object[] rows of a native query must break the typed-read rule");
        assertEquals(2, rows.getFailureReport().getDetails().size(), "both untyped reads of BrokenQueries, nothing of TypedQueries: "
                + rows.getFailureReport().getDetails());
        assertTrue(rows.getFailureReport().getDetails().stream().allMatch(d -> d.contains("BrokenQueries")), rows.getFailureReport().toString());
        assertFalse(AGENT_JDK_ONLY.evaluate(new ClassFileImporter().importClasses(org.cakb.agent.Capabilities.class)).hasViolation(),
                "an agent class using only the JDK passes the agent rule");
    }

    static long lines(Path p) {
        try (Stream<String> s = Files.lines(p)) {
            return s.count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static class BrokenAgentClass {
        Object mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    }

    static class BrokenQueries {
        @SuppressWarnings("unchecked")
        String firstTitle(EntityManager em) {
            List<Object[]> rows = em.createNativeQuery("SELECT id, title FROM kb_record").getResultList();
            Object[] counts = (Object[]) em.createNativeQuery("SELECT count(*), max(id) FROM kb_record").getSingleResult();
            return rows.get(0)[1] + " of " + counts[0];
        }
    }

    static class TypedQueries {
        List<String> titles(EntityManager em) {
            return org.cakb.common.Rows.list(em, "SELECT title FROM kb_record", row -> row.get("title", String.class));
        }

        List<Long> ids(EntityManager em) {
            return em.createQuery("SELECT count(a) FROM Assessment a", Long.class).getResultList();
        }
    }

    static class BrokenService {
        Object status = jakarta.ws.rs.core.Response.Status.OK;
    }

}
