// Compile-check stand-in (android/stubs): documented signature of the real API; nothing here runs.
@file:Suppress("unused", "UNUSED_PARAMETER", "PackageDirectoryMismatch")

package androidx.navigation

import android.os.Bundle
import org.fyr.stubs.stub

open class NavDestination {
    val route: String? get() = stub()
}

class NavBackStackEntry {
    val destination: NavDestination get() = stub()
    val arguments: Bundle? get() = stub()
}

class PopUpToBuilder {
    var inclusive: Boolean = false
    var saveState: Boolean = false
}

class NavOptionsBuilder {
    var launchSingleTop: Boolean = false
    var restoreState: Boolean = false
    fun popUpTo(route: String, popUpToBuilder: PopUpToBuilder.() -> Unit = {}): Unit = stub()
}

open class NavController {
    fun navigate(route: String, builder: NavOptionsBuilder.() -> Unit): Unit = stub()
    fun navigate(route: String): Unit = stub()
    fun popBackStack(): Boolean = stub()
}

open class NavHostController : NavController()

open class NavGraphBuilder

class NamedNavArgument
class NavDeepLink
