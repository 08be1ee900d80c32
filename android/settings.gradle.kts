pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}
dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
    }
}
rootProject.name = "Fyr"
// :core        — the generated uniffi Kotlin bindings of fyr-ffi (JVM library)
// :presentation — plain-Kotlin presentation logic, tested on the JVM
// :app         — the Android app (Compose, WorkManager, Keystore)
include(":core", ":presentation", ":app")
