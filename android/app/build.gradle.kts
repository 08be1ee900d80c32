import org.gradle.api.tasks.Exec

plugins {
    id("com.android.application")
    id("org.jetbrains.kotlin.android")
    id("org.jetbrains.kotlin.plugin.compose")
}

val repoRoot = rootProject.extra["repoRoot"] as File
val cargoTarget = System.getenv("CARGO_TARGET_DIR")?.let { File(it) } ?: File(repoRoot, "target")
val jniOut = layout.buildDirectory.dir("rustJniLibs")

// ABI -> Rust target triple.
val abis = mapOf(
    "arm64-v8a" to "aarch64-linux-android",
    "armeabi-v7a" to "armv7-linux-androideabi",
    "x86_64" to "x86_64-linux-android",
)

// The phones' C build flags, one definition for every mobile build
// (bindings/mobile-build.env, as scripts/mobile-size.sh and ios/ read it):
// SQLite without the extensions Fyr never uses, C code without unwind tables.
val mobileBuild: Map<String, String> = File(repoRoot, "bindings/mobile-build.env").readLines()
    .map { it.trim() }
    .filter { it.isNotEmpty() && !it.startsWith("#") }
    .associate { it.substringBefore('=') to it.substringAfter('=') }
val sqliteFlags = System.getenv("LIBSQLITE3_FLAGS") ?: mobileBuild.getValue("LIBSQLITE3_FLAGS")
val cFlags = System.getenv("CFLAGS") ?: mobileBuild.getValue("CFLAGS")

// cargo-ndk builds libfyr_ffi.so for every ABI with the size-optimised `mobile`
// profile, as a cdylib only, linked by the NDK's LLD with identical code
// folding, 16 KB page alignment (Android 15+ devices) and packed relocations
// (APS2: bionic reads them from API 23; minSdk is 26).
val cargoNdk by tasks.registering(Exec::class) {
    group = "fyr"
    description = "Builds libfyr_ffi.so for ${abis.keys} with cargo-ndk (profile mobile, 16 KB pages)"
    workingDir = repoRoot
    environment("LIBSQLITE3_FLAGS", sqliteFlags)
    environment("CFLAGS", cFlags)
    commandLine(
        listOf("cargo", "ndk", "--platform", "26") +
            abis.keys.flatMap { listOf("-t", it) } +
            listOf(
                "rustc", "-p", "fyr-ffi", "--profile", "mobile", "--lib", "--crate-type", "cdylib", "--",
                "-C", "link-arg=-Wl,-z,max-page-size=16384", "-C", "link-arg=-Wl,--icf=all",
                "-C", "link-arg=-Wl,--pack-dyn-relocs=android",
            ),
    )
}

// Copies target/<triple>/mobile/libfyr_ffi.so into the jniLibs layout. AGP
// strips the symbols when it packages the APK/AAB.
val copyRustLibs by tasks.registering(Copy::class) {
    group = "fyr"
    dependsOn(cargoNdk)
    abis.forEach { (abi, triple) ->
        from(File(cargoTarget, "$triple/mobile/libfyr_ffi.so")) { into(abi) }
    }
    into(jniOut)
}

android {
    namespace = "org.fyr.app"
    compileSdk = 35
    ndkVersion = "27.2.12479018"

    defaultConfig {
        applicationId = "org.fyr.app"
        minSdk = 26
        targetSdk = 35
        versionCode = 1
        versionName = "0.1.0"
        ndk { abiFilters += abis.keys }
    }

    buildTypes {
        release {
            isMinifyEnabled = true
            proguardFiles(getDefaultProguardFile("proguard-android-optimize.txt"), "proguard-rules.pro")
        }
    }
    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
    kotlinOptions { jvmTarget = "17" }
    buildFeatures { compose = true }
    sourceSets["main"].jniLibs.srcDir(jniOut)
    packaging {
        // Uncompressed, page-aligned .so files (loaded in place; 16 KB aligned by AGP 8.5.1+).
        jniLibs.useLegacyPackaging = false
    }
}

tasks.named("preBuild") { dependsOn(copyRustLibs) }

dependencies {
    implementation(project(":presentation")) {
        exclude(group = "net.java.dev.jna")
    }
    implementation("net.java.dev.jna:jna:5.15.0@aar")

    val composeBom = platform("androidx.compose:compose-bom:2024.12.01")
    implementation(composeBom)
    implementation("androidx.compose.material3:material3")
    implementation("androidx.compose.ui:ui")
    implementation("androidx.compose.ui:ui-tooling-preview")
    // Icons.Filled.* (Search, CheckCircle, Favorite, Info, Settings) come from material-icons-core.
    implementation("androidx.compose.material:material-icons-core")
    implementation("androidx.activity:activity-compose:1.9.3")
    implementation("androidx.lifecycle:lifecycle-viewmodel-compose:2.8.7")
    implementation("androidx.lifecycle:lifecycle-runtime-compose:2.8.7")
    implementation("androidx.navigation:navigation-compose:2.8.5")
    implementation("androidx.work:work-runtime-ktx:2.10.0")
    implementation("androidx.core:core-ktx:1.15.0")
    // In-app QR scanner for enrollment: CameraX (camera-view controller) with
    // ML Kit's bundled barcode model (shipped in the APK; nothing downloads at run time).
    val camerax = "1.4.1"
    implementation("androidx.camera:camera-camera2:$camerax")
    implementation("androidx.camera:camera-lifecycle:$camerax")
    implementation("androidx.camera:camera-view:$camerax")
    implementation("androidx.camera:camera-mlkit-vision:$camerax")
    implementation("com.google.mlkit:barcode-scanning:17.3.0")
    implementation("org.jetbrains.kotlinx:kotlinx-coroutines-android:1.9.0")
}
