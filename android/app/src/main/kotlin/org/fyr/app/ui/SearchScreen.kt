package org.fyr.app.ui

import android.Manifest
import android.annotation.SuppressLint
import android.content.Context
import android.content.pm.PackageManager
import android.location.LocationManager
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
import org.fyr.core.GeoPoint
import org.fyr.core.ServiceHit
import org.fyr.core.vocabulary
import org.fyr.presentation.FilterState
import org.fyr.presentation.hitCard

@SuppressLint("MissingPermission")
private fun lastPosition(context: Context): GeoPoint? {
    if (ContextCompat.checkSelfPermission(context, Manifest.permission.ACCESS_COARSE_LOCATION) != PackageManager.PERMISSION_GRANTED) return null
    val lm = context.getSystemService(Context.LOCATION_SERVICE) as LocationManager
    val loc = lm.getProviders(true).mapNotNull { lm.getLastKnownLocation(it) }.maxByOrNull { it.time } ?: return null
    return GeoPoint(loc.latitude, loc.longitude)
}

@OptIn(ExperimentalLayoutApi::class)
@Composable
fun SearchScreen(app: FyrApplication, onOpen: (String) -> Unit) {
    val ui = uiFor(app)
    val context = LocalContext.current
    var filters by remember { mutableStateOf(FilterState()) }
    var showFilters by remember { mutableStateOf(false) }
    var results by remember { mutableStateOf<Loaded<List<ServiceHit>>>(Loaded.Loading) }
    val vocab = remember { vocabulary() }
    val lang = ui.lang
    val askLocation = rememberLauncherForActivityResult(ActivityResultContracts.RequestPermission()) { granted ->
        filters = filters.copy(nearMe = granted, position = if (granted) lastPosition(context) else null)
    }

    LaunchedEffect(filters) {
        results = callCore(app) { core -> core.search(filters.toQuery(core.settings().homeMunicipality)) }
    }

    Column {
        OutlinedTextField(
            value = filters.text,
            onValueChange = { filters = filters.withText(it) },
            label = { Text(if (lang == org.fyr.presentation.UiLang.SV) "Sök stöd, t.ex. kvinnojour" else "Search, e.g. women's shelter") },
            singleLine = true,
            modifier = Modifier.fillMaxWidth().padding(12.dp),
        )
        Row(Modifier.padding(horizontal = 12.dp), verticalAlignment = Alignment.CenterVertically) {
            Switch(checked = filters.openNow, onCheckedChange = { filters = filters.copy(openNow = it) })
            Text(ui.openNow, Modifier.padding(start = 6.dp, end = 16.dp))
            Switch(checked = filters.nearMe, onCheckedChange = { on ->
                if (on) askLocation.launch(Manifest.permission.ACCESS_COARSE_LOCATION) else filters = filters.copy(nearMe = false)
            })
            Text(ui.nearMe, Modifier.padding(start = 6.dp, end = 16.dp))
            TextButton(onClick = { showFilters = !showFilters }) { Text(ui.filters(filters.activeCount)) }
        }
        if (showFilters) {
            val label = { sv: String, en: String -> if (lang == org.fyr.presentation.UiLang.SV) sv else en }
            FlowRow(Modifier.padding(horizontal = 12.dp)) {
                vocab.needs.forEach { e ->
                    FilterChip(selected = e.id in filters.needs, onClick = { filters = filters.toggleNeed(e.id) }, label = { Text(label(e.sv, e.en)) }, modifier = Modifier.padding(2.dp))
                }
                vocab.groups.forEach { e ->
                    FilterChip(selected = e.id in filters.groups, onClick = { filters = filters.toggleGroup(e.id) }, label = { Text(label(e.sv, e.en)) }, modifier = Modifier.padding(2.dp))
                }
                vocab.forms.forEach { e ->
                    FilterChip(selected = e.id in filters.forms, onClick = { filters = filters.toggleForm(e.id) }, label = { Text(label(e.sv, e.en)) }, modifier = Modifier.padding(2.dp))
                }
            }
        }
        when (val r = results) {
            is Loaded.Loading -> Text("…", Modifier.padding(16.dp))
            is Loaded.Failed -> ErrorText(r.message)
            is Loaded.Ok -> LazyColumn {
                items(r.value, key = { it.id }) { hit -> HitCardView(hitCard(hit, ui)) { onOpen(hit.id) } }
            }
        }
    }
}
