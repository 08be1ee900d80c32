// Compile-check stand-in (android/stubs): documented signature of the real API; nothing here runs.
@file:Suppress("unused", "UNUSED_PARAMETER", "PackageDirectoryMismatch")

package androidx.compose.material.icons

/** material-icons-core: Icons.Filled.X are extension properties, one file per icon (material-icons-extended has many more). */
object Icons {
    object Filled
    object Outlined
    object AutoMirrored {
        object Filled
    }
    val Default = Filled
}
