// Compile-check stand-in (android/stubs): documented signature of the real API; nothing here runs.
@file:Suppress("unused", "UNUSED_PARAMETER", "PackageDirectoryMismatch")

package androidx.compose.material.icons.filled

import androidx.compose.material.icons.Icons
import androidx.compose.ui.graphics.vector.ImageVector
import org.fyr.stubs.stub

// Only icons of material-icons-core (the app does not depend on material-icons-extended,
// so e.g. Icons.Filled.Checklist must NOT be here).
val Icons.Filled.Search: ImageVector get() = stub()
val Icons.Filled.Info: ImageVector get() = stub()
val Icons.Filled.Settings: ImageVector get() = stub()
val Icons.Filled.CheckCircle: ImageVector get() = stub()
val Icons.Filled.Favorite: ImageVector get() = stub()
val Icons.Filled.Home: ImageVector get() = stub()
val Icons.Filled.Phone: ImageVector get() = stub()
val Icons.Filled.Warning: ImageVector get() = stub()
val Icons.Filled.Lock: ImageVector get() = stub()
val Icons.Filled.Close: ImageVector get() = stub()
val Icons.Filled.Refresh: ImageVector get() = stub()
val Icons.Filled.LocationOn: ImageVector get() = stub()
val Icons.Filled.Call: ImageVector get() = stub()
val Icons.Filled.Email: ImageVector get() = stub()
val Icons.Filled.Face: ImageVector get() = stub()
val Icons.Filled.Person: ImageVector get() = stub()
val Icons.Filled.Done: ImageVector get() = stub()
val Icons.Filled.List: ImageVector get() = stub()
val Icons.Filled.Menu: ImageVector get() = stub()
val Icons.Filled.ArrowBack: ImageVector get() = stub()
