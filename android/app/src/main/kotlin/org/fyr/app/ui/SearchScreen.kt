package org.fyr.app.ui

import android.Manifest
import android.annotation.SuppressLint
import android.content.Context
import android.content.Intent
import android.content.pm.PackageManager
import android.location.LocationManager
import android.net.Uri
import android.os.Build
import android.os.CancellationSignal
import android.os.SystemClock
import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.result.contract.ActivityResultContracts
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.FilterChip
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.DisposableEffect
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.semantics.clearAndSetSemantics
import androidx.compose.ui.unit.dp
import androidx.core.content.ContextCompat
import org.fyr.app.FyrApplication
import org.fyr.core.types.UiText
import org.fyr.core.types.GeoPoint
import org.fyr.core.SearchResult
import org.fyr.core.filtersLabel
import org.fyr.presentation.FilterState
import org.fyr.presentation.hitRow

/** A last-known fix is used (below API 30) only when it is at most this old. */
private const val FRESH_NANOS = 2L * 60 * 1_000_000_000

/**
 * A fresh position for "near me", asked for only when the user turns it on:
 * API 30+ one current fix (`getCurrentLocation`, never the passive
 * provider); below, the last fix only when at most two minutes old.
 * [onResult] gets null when there is none (the screen says so). Returns a
 * signal to cancel the request when "near me" is turned off or the screen leaves.
 */
@SuppressLint("MissingPermission")
private fun locate(context: Context, onResult: (GeoPoint?) -> Unit): CancellationSignal? {
    if (ContextCompat.checkSelfPermission(context, Manifest.permission.ACCESS_COARSE_LOCATION) != PackageManager.PERMISSION_GRANTED) {
        onResult(null)
        return null
    }
    val lm = context.getSystemService(Context.LOCATION_SERVICE) as LocationManager
    val provider = listOf(LocationManager.NETWORK_PROVIDER, LocationManager.GPS_PROVIDER).firstOrNull { lm.isProviderEnabled(it) }
    if (provider == null) {
        onResult(null)
        return null
    }
    if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.R) {
        val signal = CancellationSignal()
        lm.getCurrentLocation(provider, signal, ContextCompat.getMainExecutor(context)) { loc ->
            onResult(loc?.let { GeoPoint(it.latitude, it.longitude) })
        }
        return signal
    }
    val last = lm.getLastKnownLocation(provider)
        ?.takeIf { SystemClock.elapsedRealtimeNanos() - it.elapsedRealtimeNanos <= FRESH_NANOS }
    onResult(last?.let { GeoPoint(it.latitude, it.longitude) })
    return null
}

@OptIn(ExperimentalLayoutApi::class)
@Composable
fun SearchScreen(app: FyrApplication, onOpen: (String) -> Unit) {
    val t = app.texts()
    val context = LocalContext.current
    var filters by remember { mutableStateOf(FilterState()) }
    var showFilters by remember { mutableStateOf(false) }
    var locationNote by remember { mutableStateOf<String?>(null) }
    var results by remember { mutableStateOf<Loaded<SearchResult>>(Loaded.Loading) }
    val vocab by rememberCore(app) { it.vocabularyLabels() }
    val municipalities by rememberCore(app) { it.municipalities() }
    val home by rememberCore(app) { it.settings().homeMunicipality }
    // "Store rebuilt" and similar notices from opening, shown on the start screen.
    val notices by rememberCore(app) { it.openNotices() }
    var noticesSeen by remember { mutableStateOf(false) }
    var noDialer by remember { mutableStateOf(false) }

    var locating by remember { mutableStateOf<CancellationSignal?>(null) }
    fun nearMeOn() {
        locationNote = t(UiText.NEAR_ME_LOCATING)
        locating = locate(context) { pos ->
            locating = null
            locationNote = if (pos == null) t(UiText.NEAR_ME_NO_FIX) else null
            filters = filters.copy(nearMe = pos != null, position = pos)
        }
    }
    fun nearMeOff() {
        locating?.cancel()
        locating = null
        locationNote = null
        filters = filters.copy(nearMe = false, position = null)
    }
    DisposableEffect(Unit) { onDispose { locating?.cancel() } }
    val askLocation = rememberLauncherForActivityResult(ActivityResultContracts.RequestPermission()) { granted ->
        if (granted) nearMeOn() else { nearMeOff(); locationNote = t(UiText.LOCATION_DENIED) }
    }

    LaunchedEffect(filters) {
        // The core makes the query (home municipality, trimmed words, near only when on).
        val form = filters.form()
        results = callCore(app) { core -> core.searchForm(form) }
    }

    Column {
        (notices as? Loaded.Ok)?.value?.takeIf { it.isNotEmpty() && !noticesSeen }?.let { list ->
            list.forEach { Text(it, color = MaterialTheme.colorScheme.error, modifier = Modifier.padding(horizontal = 12.dp)) }
            TextButton(onClick = { noticesSeen = true }) { Text(t(UiText.OK)) }
        }
        OutlinedTextField(
            value = filters.text,
            onValueChange = { filters = filters.withText(it) },
            label = { Text(t(UiText.SEARCH_PROMPT)) },
            singleLine = true,
            modifier = Modifier.fillMaxWidth().padding(12.dp),
        )
        FlowRow(Modifier.padding(horizontal = 12.dp), verticalArrangement = Arrangement.Center) {
            LabelledSwitch(t(UiText.OPEN_NOW), filters.openNow) { filters = filters.copy(openNow = it) }
            // Location only when the user turns "near me" on: permission first, then one fresh fix.
            LabelledSwitch(t(UiText.NEAR_ME), filters.nearMe || locating != null) { on ->
                if (on) askLocation.launch(Manifest.permission.ACCESS_COARSE_LOCATION) else nearMeOff()
            }
            TextButton(onClick = { showFilters = !showFilters }) {
                // The core's label and count (no store handle: safe while drawing).
                Text(filtersLabel(filters.form(), app.lang))
            }
        }
        locationNote?.let { Text(it, style = MaterialTheme.typography.bodySmall, modifier = Modifier.padding(horizontal = 12.dp)) }
        if (showFilters) {
            Heading(t(UiText.MUNICIPALITY))
            FlowRow(Modifier.padding(horizontal = 12.dp)) {
                val all = (municipalities as? Loaded.Ok)?.value.orEmpty()
                val homeName = (home as? Loaded.Ok)?.value?.let { code -> all.firstOrNull { it.code == code }?.name ?: code }
                FilterChip(selected = filters.municipality == null, onClick = { filters = filters.copy(municipality = null) }, label = { Text(t(UiText.HOME_MUNICIPALITY) + (homeName?.let { " ($it)" } ?: "")) }, modifier = Modifier.padding(2.dp))
                all.forEach { m ->
                    FilterChip(selected = filters.municipality == m.code, onClick = { filters = filters.copy(municipality = m.code) }, label = { Text(m.name) }, modifier = Modifier.padding(2.dp))
                }
            }
            val v = (vocab as? Loaded.Ok)?.value
            if (v != null) FlowRow(Modifier.padding(horizontal = 12.dp)) {
                v.needs.forEach { e ->
                    FilterChip(selected = e.id in filters.needs, onClick = { filters = filters.toggleNeed(e.id) }, label = { Text(e.label) }, modifier = Modifier.padding(2.dp))
                }
                v.groups.forEach { e ->
                    FilterChip(selected = e.id in filters.groups, onClick = { filters = filters.toggleGroup(e.id) }, label = { Text(e.label) }, modifier = Modifier.padding(2.dp))
                }
                v.forms.forEach { e ->
                    FilterChip(selected = e.id in filters.forms, onClick = { filters = filters.toggleForm(e.id) }, label = { Text(e.label) }, modifier = Modifier.padding(2.dp))
                }
            }
        }
        when (val r = results) {
            is Loaded.Loading -> Text(t(UiText.LOADING), Modifier.padding(16.dp))
            is Loaded.Failed -> ErrorText(r.message)
            is Loaded.Ok -> {
                val res = r.value
                // The fixed "Akut fara? Ring 112" strip above every list (the core's label and number).
                // A tablet without a dialer gets the core's message instead of a crash.
                TextButton(
                    onClick = {
                        noDialer = !startContact(context, Intent(Intent.ACTION_DIAL, Uri.parse(res.emergency.uri)))
                    },
                    modifier = Modifier.fillMaxWidth().padding(horizontal = 12.dp),
                ) { Text(res.emergency.label, color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.titleMedium) }
                if (noDialer) Text(t(UiText.CANNOT_CALL_EMERGENCY), color = MaterialTheme.colorScheme.error, modifier = Modifier.padding(horizontal = 12.dp))
                // How the words were read, as chips: a tap removes that reading and searches again.
                if (res.understood.chips.isNotEmpty()) FlowRow(Modifier.padding(horizontal = 12.dp)) {
                    res.understood.chips.forEach { chip ->
                        FilterChip(
                            selected = true,
                            onClick = { filters = filters.withoutReading(chip.key) },
                            label = { Text(chip.label) },
                            // The removal mark is drawn, not read aloud (TalkBack reads the label and "selected").
                            trailingIcon = { Text("✕", Modifier.clearAndSetSemantics {}) },
                            modifier = Modifier.padding(2.dp),
                        )
                    }
                }
                if (res.hits.isEmpty()) Text(t(UiText.NO_RESULTS), Modifier.padding(16.dp)) else LazyColumn {
                    items(res.hits, key = { it.id }) { hit -> HitCardView(hitRow(hit)) { onOpen(hit.id) } }
                }
            }
        }
    }
}
