// Entry point of the Kotlin JVM test run (scripts/ci-kotlin.sh): the binding
// tests against the real library and the Android presentation module's tests.
package org.fyr.tests

import org.fyr.presentation.tests.presentationSuites
import org.fyr.testkit.runSuites
import kotlin.system.exitProcess

fun main(args: Array<String>) {
    val suites = listOf(DirectoryTests(), ScreeningTests(), ErrorTests(), SyncTests(), TransportTests(), ResourceTests(), PresentTests(), KeyTests(), PolicyTests(), BidiTests(), SearchFormTests(), FontScaleTests()) + presentationSuites()
    val failures = runSuites(suites, args.firstOrNull())
    exitProcess(if (failures > 0) 1 else 0)
}
