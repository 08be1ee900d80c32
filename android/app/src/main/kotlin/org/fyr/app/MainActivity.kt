package org.fyr.app

import android.net.Uri
import android.os.Bundle
import android.view.WindowManager
import androidx.activity.ComponentActivity
import androidx.activity.compose.setContent
import androidx.compose.foundation.layout.padding
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.CheckCircle
import androidx.compose.material.icons.filled.Favorite
import androidx.compose.material.icons.filled.Info
import androidx.compose.material.icons.filled.Search
import androidx.compose.material.icons.filled.Settings
import androidx.compose.material3.Icon
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.NavigationBar
import androidx.compose.material3.NavigationBarItem
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.DisposableEffect
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.vector.ImageVector
import androidx.navigation.NavHostController
import androidx.navigation.compose.NavHost
import androidx.navigation.compose.composable
import androidx.navigation.compose.currentBackStackEntryAsState
import androidx.navigation.compose.rememberNavController
import org.fyr.app.ui.HelpCardScreen
import org.fyr.app.ui.ScreeningScreen
import org.fyr.app.ui.SearchScreen
import org.fyr.app.ui.ServiceScreen
import org.fyr.app.ui.SettingsScreen
import org.fyr.app.ui.StatusScreen
import org.fyr.app.ui.callCore
import org.fyr.app.ui.clearExpiredClip
import org.fyr.core.types.UiText

class MainActivity : ComponentActivity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        // Secure from the first frame, until the app knows no screening exists and discreet mode is off.
        secure(true)
        val app = application as FyrApplication
        setContent { MaterialTheme { FyrNav(app, this) } }
    }

    /** Back in focus: a copied number whose minute is up is cleared now (the clipboard is readable only in focus). */
    override fun onWindowFocusChanged(hasFocus: Boolean) {
        super.onWindowFocusChanged(hasFocus)
        if (hasFocus) clearExpiredClip(this)
    }

    /**
     * FLAG_SECURE on the one window of the app, so on every screen (search,
     * referrals, status, settings, dialogs drawn in it): no screenshots, no
     * screen recording, a blank preview in recents.
     */
    fun secure(on: Boolean) {
        if (on) window.addFlags(WindowManager.LayoutParams.FLAG_SECURE)
        else window.clearFlags(WindowManager.LayoutParams.FLAG_SECURE)
    }
}

private data class Tab(val route: String, val label: String, val icon: ImageVector)

/** The route of a service page; the id percent-encoded (an id with "/", "?" or "#" still finds its page). */
fun serviceRoute(id: String) = "service/" + Uri.encode(id)

/** Back to the start screen (Search) with nothing else on the back stack. */
private fun NavHostController.toStart() = navigate("search") { launchSingleTop = true; popUpTo("search") { inclusive = true } }

@Composable
fun FyrNav(app: FyrApplication, activity: MainActivity) {
    val t = app.texts()
    val nav = rememberNavController()
    // App-wide while discreet mode is on or any screening exists (saved, in hand or set aside).
    val secure = app.discreet.value || app.screeningsExist.value || app.screening.view.value != null || app.screening.outcome.value != null
    DisposableEffect(secure) {
        activity.secure(secure)
        onDispose {}
    }
    // Opens the store off the main thread at start (what the flags above depend on).
    LaunchedEffect(Unit) { callCore(app) { } }
    val tabs = listOf(
        Tab("search", t(UiText.TAB_SEARCH), Icons.Filled.Search),
        Tab("screening", t(UiText.TAB_SCREENING), Icons.Filled.CheckCircle),
        Tab("help", t(UiText.TAB_HELP_CARD), Icons.Filled.Favorite),
        Tab("status", t(UiText.TAB_STATUS), Icons.Filled.Info),
        Tab("settings", t(UiText.TAB_SETTINGS), Icons.Filled.Settings),
    )
    val current by nav.currentBackStackEntryAsState()
    Scaffold(
        bottomBar = {
            NavigationBar {
                tabs.forEach { tab ->
                    NavigationBarItem(
                        selected = current?.destination?.route == tab.route,
                        onClick = { nav.navigate(tab.route) { launchSingleTop = true; popUpTo("search") } },
                        // The label is read once (the icon is decoration).
                        icon = { Icon(tab.icon, contentDescription = null) },
                        label = { Text(tab.label) },
                    )
                }
            }
        },
    ) { padding ->
        NavHost(nav, startDestination = "search", modifier = Modifier.padding(padding)) {
            // Ids are encoded into the route (navigation decodes the argument).
            composable("search") { SearchScreen(app, onOpen = { id -> nav.navigate(serviceRoute(id)) }) }
            composable("service/{id}") { entry -> ServiceScreen(app, entry.arguments?.getString("id").orEmpty()) }
            composable("screening") {
                ScreeningScreen(app, onOpenService = { id -> nav.navigate(serviceRoute(id)) }, onHide = { nav.toStart() })
            }
            composable("help") { HelpCardScreen(app) }
            composable("status") { StatusScreen(app) }
            composable("settings") { SettingsScreen(app, onLanguageChanged = { activity.recreate() }) }
        }
    }
}
