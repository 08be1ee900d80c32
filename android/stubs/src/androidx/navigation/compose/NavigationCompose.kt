// Compile-check stand-in (android/stubs): documented signature of the real API; nothing here runs.
@file:Suppress("unused", "UNUSED_PARAMETER", "PackageDirectoryMismatch")

package androidx.navigation.compose

import androidx.compose.runtime.Composable
import androidx.compose.runtime.State
import androidx.compose.ui.Modifier
import androidx.navigation.NavBackStackEntry
import androidx.navigation.NavController
import androidx.navigation.NavGraphBuilder
import androidx.navigation.NavHostController
import org.fyr.stubs.stub

interface AnimatedContentScope

@Composable
fun rememberNavController(): NavHostController = stub()

@Composable
fun NavHost(navController: NavHostController, startDestination: String, modifier: Modifier = Modifier, route: String? = null, builder: NavGraphBuilder.() -> Unit): Unit = stub()

fun NavGraphBuilder.composable(route: String, content: @Composable AnimatedContentScope.(NavBackStackEntry) -> Unit): Unit = stub()

@Composable
fun NavController.currentBackStackEntryAsState(): State<NavBackStackEntry?> = stub()
