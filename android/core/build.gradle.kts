// The uniffi-generated Kotlin bindings of fyr-ffi. The sources are generated
// (never edited, never committed) by the workspace's uniffi-bindgen from an
// unstripped build of the library: see android/README.md.
import org.gradle.api.tasks.Exec

plugins {
    id("org.jetbrains.kotlin.jvm")
}

val repoRoot = rootProject.extra["repoRoot"] as File
val generatedDir = layout.buildDirectory.dir("generated/uniffi")
val cargoTarget = System.getenv("CARGO_TARGET_DIR")?.let { File(it) } ?: File(repoRoot, "target")

// Host build of the library: only its metadata is read, for the bindings.
val cargoBuildHost by tasks.registering(Exec::class) {
    group = "fyr"
    description = "cargo build -p fyr-ffi (dev profile, host) for uniffi-bindgen"
    workingDir = repoRoot
    commandLine("cargo", "build", "-p", "fyr-ffi")
}

val generateUniffiBindings by tasks.registering(Exec::class) {
    group = "fyr"
    description = "Generates the Kotlin bindings with the workspace's uniffi-bindgen"
    dependsOn(cargoBuildHost)
    workingDir = repoRoot
    val libName = if (System.getProperty("os.name").lowercase().contains("mac")) "libfyr_ffi.dylib" else "libfyr_ffi.so"
    commandLine("bash", "scripts/gen-bindings.sh", "kotlin", generatedDir.get().asFile.absolutePath, File(cargoTarget, "debug/$libName").absolutePath)
    outputs.dir(generatedDir)
}

java {
    sourceCompatibility = JavaVersion.VERSION_17
    targetCompatibility = JavaVersion.VERSION_17
}

kotlin {
    // Bytecode for Java 17 from whatever JDK runs Gradle (17 or Android
    // Studio's 21): jvmToolchain(17) would need a toolchain resolver.
    compilerOptions { jvmTarget.set(org.jetbrains.kotlin.gradle.dsl.JvmTarget.JVM_17) }
    sourceSets["main"].kotlin.srcDir(generatedDir)
}

tasks.named("compileKotlin") { dependsOn(generateUniffiBindings) }

dependencies {
    // JNA: the JVM jar for host tests; the app replaces it with the Android AAR.
    compileOnly("net.java.dev.jna:jna:5.15.0")
    implementation("org.jetbrains.kotlinx:kotlinx-coroutines-core:1.9.0")
}
