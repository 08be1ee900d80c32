// Compile-check stand-in (android/stubs): documented signature of the real API; nothing here runs.
@file:Suppress("unused", "UNUSED_PARAMETER", "PackageDirectoryMismatch")

package androidx.compose.animation

/** compose-animation 1.7 types that navigation-compose's signatures name. */
interface AnimatedVisibilityScope
interface AnimatedContentScope : AnimatedVisibilityScope
interface AnimatedContentTransitionScope<S>
abstract class EnterTransition
abstract class ExitTransition
interface SizeTransform
