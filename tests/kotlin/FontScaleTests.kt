// Large text (Android font scale 200 %, iOS Dynamic Type up to the
// accessibility sizes), checked in the sources: what would clip or freeze
// text at a large scale must not be there. This reads the code; it is not a
// device test (android/README.md and ios/README.md say what was verified where).
package org.fyr.tests

import org.fyr.testkit.*
import java.io.File

/** A line that may keep a fixed size must say why with this mark (e.g. a camera preview, no text inside). */
const val FIXED_OK = "fixed-size-ok:"

private val androidRules = listOf(
    Regex("""\bfontSize\s*=""") to "a fixed font size (use MaterialTheme.typography, which is in sp and follows the font scale)",
    Regex("""\blineHeight\s*=""") to "a fixed line height",
    Regex("""\d+(\.\d+)?\.sp\b""") to "a hand-picked sp size (use the typography)",
    Regex("""\bmaxLines\s*=""") to "a line limit on text that can grow",
    Regex("""TextOverflow\.(Ellipsis|Clip)""") to "text cut off instead of wrapped",
    Regex("""\.(height|requiredHeight|size|requiredSize)\(\s*\d""") to "a fixed height that clips text at a large font scale",
    Regex("""\.heightIn\([^)]*max\s*=""") to "a maximum height that clips text",
)

private val iosRules = listOf(
    Regex("""\.font\(\s*\.system\(\s*size:""") to "a fixed font size (use a text style: .body, .headline …, which follows Dynamic Type)",
    Regex("""\.font\(\s*\.custom\([^)]*size:(?![^)]*relativeTo)""") to "a custom font without relativeTo: (does not follow Dynamic Type)",
    Regex("""\.lineLimit\(""") to "a line limit on text that can grow",
    Regex("""\.frame\([^)]*\bheight:\s*\d""") to "a fixed height that clips text at the accessibility sizes",
    Regex("""\.minimumScaleFactor\(""") to "text shrunk instead of wrapped",
    Regex("""\.dynamicTypeSize\([^)]*\.\.\.""") to "Dynamic Type capped",
)

/**
 * The problems in [source]: each rule a line of code breaks, unless that line
 * or the one above carries a [FIXED_OK] reason. Comments are not code.
 */
fun largeTextProblems(source: String, rules: List<Pair<Regex, String>>): List<String> {
    val lines = source.lines()
    return lines.withIndex().flatMap { (i, line) ->
        val doc = line.trimStart().let { it.startsWith("*") || it.startsWith("/*") }
        val code = if (doc) "" else line.substringBefore("//")
        val excused = line.contains(FIXED_OK) || (i > 0 && lines[i - 1].contains(FIXED_OK))
        if (excused) emptyList()
        else rules.filter { (re, _) -> re.containsMatchIn(code) }.map { (_, why) -> "line ${i + 1}: $why: ${line.trim()}" }
    }
}

class FontScaleTests : Suite("large text") {
    private fun sources(dir: String, ext: String): List<File> =
        File(Env.repo, dir).walkTopDown().filter { it.isFile && it.extension == ext }.toList()

    init {
        test("the rules catch what clips text (a checker that finds nothing proves nothing)") {
            val bad = """
                Text(name, maxLines = 1, overflow = TextOverflow.Ellipsis)
                Text(title, fontSize = 18.sp)
                Box(Modifier.height(48.dp)) { Text(label) }
            """.trimIndent()
            checkEq(5, largeTextProblems(bad, androidRules).size, "android mistakes: ${largeTextProblems(bad, androidRules)}")
            val badSwift = """
                Text(verbatim: hit.name).font(.system(size: 17)).lineLimit(1)
                HStack { Text(label) }.frame(height: 44)
            """.trimIndent()
            checkEq(3, largeTextProblems(badSwift, iosRules).size, "ios mistakes: ${largeTextProblems(badSwift, iosRules)}")
            val fine = """
                Text(card.title, style = MaterialTheme.typography.headlineSmall) // a comment about maxLines = 1 is no code
                Text(verbatim: hit.name).font(.headline)
                AndroidView(factory = f, modifier = Modifier.height(280.dp)) // $FIXED_OK camera preview, no text
            """.trimIndent()
            checkEq(emptyList<String>(), largeTextProblems(fine, androidRules) + largeTextProblems(fine, iosRules), "fine")
        }
        test("Android: every screen's text follows the font scale (typography in sp, no fixed heights, no line limits)") {
            val files = sources("android/app/src/main/kotlin", "kt")
            check(files.size >= 8) { "app sources not found: ${files.size}" }
            val problems = files.flatMap { f -> largeTextProblems(f.readText(), androidRules).map { "${f.name} $it" } }
            checkEq(emptyList<String>(), problems, "android large-text problems")
        }
        test("iOS: every view follows Dynamic Type (text styles, no fixed sizes or heights, no line limits)") {
            val files = sources("ios/FyrApp", "swift")
            check(files.any { it.name == "Views.swift" }) { "Views.swift not found" }
            val problems = files.flatMap { f -> largeTextProblems(f.readText(), iosRules).map { "${f.name} $it" } }
            checkEq(emptyList<String>(), problems, "ios large-text problems")
        }
    }
}
