// A tiny test runner: no JUnit. Each suite registers named tests; main runs
// them all, prints one line per test and ends with `kotlin: N passed, M failed`.
package org.fyr.testkit

class AssertionFailed(message: String) : AssertionError(message)

fun check(cond: Boolean, message: () -> String) {
    if (!cond) throw AssertionFailed(message())
}

fun <T> checkEq(expected: T, actual: T, what: String) {
    if (expected != actual) throw AssertionFailed("$what: expected <$expected>, got <$actual>")
}

/** Runs [block], expecting it to throw [T]; returns the exception. */
inline fun <reified T : Throwable> expectThrows(what: String, block: () -> Unit): T {
    try {
        block()
    } catch (e: Throwable) {
        if (e is T) return e
        throw AssertionFailed("$what: expected ${T::class.simpleName}, got ${e::class.qualifiedName}: ${e.message}")
    }
    throw AssertionFailed("$what: expected ${T::class.simpleName}, but nothing was thrown")
}

class TestCase(val suite: String, val name: String, val body: () -> Unit)

open class Suite(val suiteName: String) {
    val cases = mutableListOf<TestCase>()
    fun test(name: String, body: () -> Unit) {
        cases += TestCase(suiteName, name, body)
    }
}

/** Runs the suites; returns the number of failures. A filter (substring) may pick tests. */
fun runSuites(suites: List<Suite>, filter: String? = null): Int {
    var passed = 0
    var failed = 0
    for (suite in suites) {
        for (case in suite.cases) {
            val full = "${case.suite} :: ${case.name}"
            if (filter != null && !full.contains(filter)) continue
            try {
                case.body()
                passed++
                println("PASS $full")
            } catch (t: Throwable) {
                failed++
                println("FAIL $full")
                println("     ${t::class.qualifiedName}: ${t.message}")
                t.stackTrace.take(6).forEach { println("       at $it") }
            }
        }
    }
    println("kotlin: $passed passed, $failed failed")
    return if (passed == 0) 1 else failed
}
