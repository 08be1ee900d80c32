package org.fyr.app.ui

import android.Manifest
import android.annotation.SuppressLint
import android.content.Context
import android.content.Intent
import android.content.pm.PackageManager
import android.location.LocationManager
import android.net.Uri
import android.os.Build
import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.result.contract.ActivityResultContracts
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.FilterChip
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Switch
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.unit.dp
import androidx.core.content.ContextCompat
import org.fyr.app.FyrApplication
import org.fyr.core.types.UiText
import org.fyr.core.GeoPoint
import org.fyr.core.SearchResult
import org.fyr.presentation.FilterState
import org.fyr.presentation.hitRow

/**
 * The phone's position for "near me": the freshest last-known fix, else (API
 * 30+) one current fix. [onResult] gets null when there is none, and the
 * screen says so instead of failing silently.
 */
@SuppressLint("MissingPermission")
private fun locate(context: Context, onResult: (GeoPoint?) -> Unit) {
    if (ContextCompat.checkSelfPermission(context, Manifest.permission.ACCESS_COARSE_LOCATION) != PackageManager.PERMISSION_GRANTED) {
        onResult(null)
        return
    }
    val lm = context.getSystemService(Context.LOCATION_SERVICE) as LocationManager
    val last = lm.getProviders(true).mapNotNull { lm.getLastKnownLocation(it) }.maxByOrNull { it.time }
    if (last != null) {
        onResult(GeoPoint(last.latitude, last.longitude))
        return
    }
    val provider = lm.getProviders(true).firstOrNull()
    if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.R && provider != null) {
        lm.getCurrentLocation(provider, null, ContextCompat.getMainExecutor(context)) { loc ->
            onResult(loc?.let { GeoPoint(it.latitude, it.longitude) })
        }
    } else {
        onResult(null)
    }
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

    fun nearMeOn() = locate(context) { pos ->
        locationNote = if (pos == null) t(UiText.NEAR_ME_UNAVAILABLE) else null
        filters = filters.copy(nearMe = pos != null, position = pos)
    }
    val askLocation = rememberLauncherForActivityResult(ActivityResultContracts.RequestPermission()) { granted ->
        if (granted) nearMeOn() else { locationNote = t(UiText.LOCATION_DENIED); filters = filters.copy(nearMe = false, position = null) }
    }

    LaunchedEffect(filters) {
        results = callCore(app) { core -> core.searchFull(filters.toQuery(core.settings().homeMunicipality)) }
    }

    Column {
        (notices as? Loaded.Ok)?.value?.takeIf { it.isNotEmpty() && !noticesSeen }?.let { list ->
            list.forEach { Text(it, color = MaterialTheme.colorScheme.error, modifier = Modifier.padding(horizontal = 12.dp)) }
            TextButton(onClick = { noticesSeen = true }) { Text("OK") }
        }
        OutlinedTextField(
            value = filters.text,
            onValueChange = { filters = filters.withText(it) },
            label = { Text(t(UiText.SEARCH_PROMPT)) },
            singleLine = true,
            modifier = Modifier.fillMaxWidth().padding(12.dp),
        )
        Row(Modifier.padding(horizontal = 12.dp), verticalAlignment = Alignment.CenterVertically) {
            Switch(checked = filters.openNow, onCheckedChange = { filters = filters.copy(openNow = it) })
            Text(t(UiText.OPEN_NOW), Modifier.padding(start = 6.dp, end = 16.dp))
            Switch(checked = filters.nearMe, onCheckedChange = { on ->
                // Ask for the permission first; only then look for a position.
                if (on) askLocation.launch(Manifest.permission.ACCESS_COARSE_LOCATION)
                else { locationNote = null; filters = filters.copy(nearMe = false, position = null) }
            })
            Text(t(UiText.NEAR_ME), Modifier.padding(start = 6.dp, end = 16.dp))
            TextButton(onClick = { showFilters = !showFilters }) { Text(filters.filtersLabel(t(UiText.FILTERS))) }
        }
        locationNote?.let { Text(it, style = MaterialTheme.typography.bodySmall, modifier = Modifier.padding(horizontal = 12.dp)) }
        if (showFilters) {
            Text(t(UiText.MUNICIPALITY), style = MaterialTheme.typography.labelLarge, modifier = Modifier.padding(horizontal = 12.dp))
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
                TextButton(
                    onClick = { context.startActivity(Intent(Intent.ACTION_DIAL, Uri.parse(res.emergency.uri))) },
                    modifier = Modifier.fillMaxWidth().padding(horizontal = 12.dp),
                ) { Text(res.emergency.label, color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.titleMedium) }
                // How the words were read, as chips: a tap removes that reading and searches again.
                if (res.understood.chips.isNotEmpty()) FlowRow(Modifier.padding(horizontal = 12.dp)) {
                    res.understood.chips.forEach { chip ->
                        FilterChip(
                            selected = true,
                            onClick = { filters = filters.withoutReading(chip.key) },
                            label = { Text(chip.label + " ✕") },
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
