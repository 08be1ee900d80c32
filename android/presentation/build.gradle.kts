// Presentation logic with NO Android dependency: formatting results, the
// screening step model, status texts and the filter state. Its tests run on
// the JVM (./gradlew :presentation:jvmTest) and in the repository's CI
// (scripts/ci-kotlin.sh), with the tiny runner in tests/kotlin/testkit.
plugins {
    id("org.jetbrains.kotlin.jvm")
}

val repoRoot = rootProject.extra["repoRoot"] as File

java {
    sourceCompatibility = JavaVersion.VERSION_17
    targetCompatibility = JavaVersion.VERSION_17
}

kotlin {
    // Bytecode for Java 17 from whatever JDK runs Gradle (17 or Android
    // Studio's 21): jvmToolchain(17) would need a toolchain resolver.
    compilerOptions { jvmTarget.set(org.jetbrains.kotlin.gradle.dsl.JvmTarget.JVM_17) }
    sourceSets["test"].kotlin.srcDir(File(repoRoot, "tests/kotlin/testkit"))
}

dependencies {
    api(project(":core"))
    compileOnly("net.java.dev.jna:jna:5.15.0")
    testImplementation("net.java.dev.jna:jna:5.15.0")
}

val jvmTest by tasks.registering(JavaExec::class) {
    group = "verification"
    description = "Runs the presentation tests (prints 'kotlin: N passed, M failed')"
    classpath = sourceSets["test"].runtimeClasspath
    mainClass.set("org.fyr.presentation.tests.PresentationMainKt")
}
tasks.named("check") { dependsOn(jvmTest) }
