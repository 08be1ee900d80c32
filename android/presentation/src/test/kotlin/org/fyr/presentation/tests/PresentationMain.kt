// Entry point for Gradle's :presentation:jvmTest (the Android build runs these
// without a device). scripts/ci-kotlin.sh runs the same suites from tests/kotlin.
package org.fyr.presentation.tests

import org.fyr.testkit.runSuites
import kotlin.system.exitProcess

fun main() {
    exitProcess(if (runSuites(presentationSuites()) > 0) 1 else 0)
}
