package io.ethproofmanager.sandbox;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module layout as the compiled classes use it: the service (schemas, contract, topology, connectors, app) never
 * reaches the development kit (devkit, sandbox), so that a production image holds no demo, embedded server or local
 * chain code; the topology uses only the record schemas; connectors know nothing of the topology or the service.
 */
class ModuleBoundariesTest {

    private static final String[] SERVICE = {"io.ethproofmanager.schemas..", "io.ethproofmanager.contract..",
            "io.ethproofmanager.topology..", "io.ethproofmanager.connectors..", "io.ethproofmanager.app.."};

    private static JavaClasses classes;

    @BeforeAll
    static void importProductionClasses() {
        // main classes only: neither test-classes directories nor the connectors' test fixtures jar
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages("io.ethproofmanager");
    }

    @Test
    void theServiceUsesNothingOfTheDevelopmentKit() {
        noClasses().that().resideInAnyPackage(SERVICE)
                .should().dependOnClassesThat().resideInAnyPackage("io.ethproofmanager.devkit..", "io.ethproofmanager.sandbox..")
                .check(classes);
    }

    @Test
    void theTopologyUsesOnlyTheRecordSchemas() {
        noClasses().that().resideInAPackage("io.ethproofmanager.topology..")
                .should().dependOnClassesThat().resideInAnyPackage("io.ethproofmanager.connectors..", "io.ethproofmanager.app..",
                        "io.ethproofmanager.contract..", "org.web3j..", "java.sql..")
                .check(classes);
    }

    @Test
    void connectorsKnowNeitherTheTopologyNorTheService() {
        noClasses().that().resideInAPackage("io.ethproofmanager.connectors..")
                .should().dependOnClassesThat().resideInAnyPackage("io.ethproofmanager.topology..", "io.ethproofmanager.app..")
                .check(classes);
    }
}
