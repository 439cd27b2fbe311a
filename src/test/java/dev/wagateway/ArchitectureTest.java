package dev.wagateway;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The package structure docs/routes.md's "How it is put together" describes, checked on the compiled main classes (tests
 * may reach across packages). Dependencies run one way: shared at the bottom, config wiring on top.
 */
@AnalyzeClasses(packages = "dev.wagateway", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /** Two packages that import each other can only be understood, changed and tested together. */
    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("dev.wagateway.(*)..").should().beFreeOfCycles();

    /**
     * Each package imports only those below it. shared holds what all of them need (the envelope, exchange and
     * header names, client errors, digests) and imports nothing of ours. Each package wires its own beans and
     * declares its own settings (store.StoreConfiguration, intake.IntakeProperties, ...), so a package's wiring can
     * only reach the packages below it; config holds what sits above them all (the database URL, route loading).
     * A new package fails here until it is given its place.
     */
    @ArchTest
    static final ArchRule layering = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("routes").definedBy("dev.wagateway.routes..")
            .layer("config").definedBy("dev.wagateway.config..")
            .layer("api").definedBy("dev.wagateway.api..")
            .layer("intake").definedBy("dev.wagateway.intake..")
            .layer("outputs").definedBy("dev.wagateway.outputs..")
            .layer("events").definedBy("dev.wagateway.events..")
            .layer("security").definedBy("dev.wagateway.security..")
            .layer("store").definedBy("dev.wagateway.store..")
            .layer("shared").definedBy("dev.wagateway.shared..")
            // the route checker, run before Spring (and by config's route reload): reads the route files and what the Java side defines
            .whereLayer("routes").mayOnlyBeAccessedByLayers("config")
            .whereLayer("routes").mayOnlyAccessLayers("intake", "shared")
            .whereLayer("config").mayNotBeAccessedByAnyLayer()
            .whereLayer("api").mayOnlyAccessLayers("outputs", "events", "security", "store", "shared")
            .whereLayer("intake").mayOnlyAccessLayers("events", "security", "store", "shared")
            .whereLayer("outputs").mayOnlyAccessLayers("events", "security", "store", "shared")
            .whereLayer("events").mayOnlyAccessLayers("security", "store", "shared")
            .whereLayer("security").mayOnlyAccessLayers("shared")
            .whereLayer("store").mayOnlyAccessLayers("shared")
            .whereLayer("shared").mayNotAccessAnyLayer()
            .ensureAllClassesAreContainedInArchitectureIgnoring("dev.wagateway");
}
