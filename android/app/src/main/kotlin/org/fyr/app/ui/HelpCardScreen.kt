package org.fyr.app.ui

import android.content.ActivityNotFoundException
import android.content.Intent
import android.net.Uri
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.FilterChip
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.CompositionLocalProvider
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.platform.LocalLayoutDirection
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.LayoutDirection
import androidx.compose.ui.unit.dp
import org.fyr.app.FyrApplication
import org.fyr.core.types.TextDirection
import org.fyr.core.types.UiText

/**
 * The help card to show the person in front of you, in the language they
 * read best: the core's signed content, laid out in the card's own direction
 * (Arabic, Persian and Dari right to left), with the "not reviewed by a
 * native speaker" mark when it has not been.
 */
@OptIn(ExperimentalLayoutApi::class)
@Composable
fun HelpCardScreen(app: FyrApplication) {
    val t = app.texts()
    val context = LocalContext.current
    var lang by remember { mutableStateOf(app.lang) }
    // Whom the card is for: women (every language), children, men, people who
    // use violence (where the language has that card).
    var audience by remember { mutableStateOf("women") }
    val languages by rememberCore(app) { it.helpCardLanguages() }
    val card by rememberCore(app, lang, audience) { it.helpCardFor(lang, audience) }
    val audiences = (languages as? Loaded.Ok)?.value?.firstOrNull { it.lang == lang }?.audiences ?: listOf("women")
    Column(Modifier.padding(16.dp).verticalScroll(rememberScrollState()), verticalArrangement = Arrangement.spacedBy(8.dp)) {
        Text(t(UiText.HELP_CARD_INTRO), style = MaterialTheme.typography.bodySmall)
        FlowRow {
            (languages as? Loaded.Ok)?.value?.forEach { l ->
                FilterChip(selected = l.lang == lang, onClick = {
                    lang = l.lang
                    if (audience !in l.audiences) audience = "women"
                }, label = { Text(l.name) }, modifier = Modifier.padding(2.dp))
            }
        }
        FlowRow {
            audiences.forEach { a ->
                val label = when (a) {
                    "children" -> t(UiText.HELP_CARD_FOR_CHILDREN)
                    "men" -> t(UiText.HELP_CARD_FOR_MEN)
                    "people_who_use_violence" -> t(UiText.HELP_CARD_FOR_PEOPLE_WHO_USE_VIOLENCE)
                    else -> t(UiText.HELP_CARD_FOR_WOMEN)
                }
                FilterChip(selected = a == audience, onClick = { audience = a }, label = { Text(label) }, modifier = Modifier.padding(2.dp))
            }
        }
        when (val c = card) {
            is Loaded.Loading -> Text(t(UiText.LOADING))
            is Loaded.Failed -> ErrorText(c.message)
            is Loaded.Ok -> {
                val v = c.value
                v.notReviewedNotice?.let { Text(it, color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.bodySmall) }
                val dir = if (v.direction == TextDirection.RTL) LayoutDirection.Rtl else LayoutDirection.Ltr
                CompositionLocalProvider(LocalLayoutDirection provides dir) {
                    Column(Modifier.fillMaxWidth(), verticalArrangement = Arrangement.spacedBy(12.dp)) {
                        Text(v.title, style = MaterialTheme.typography.headlineMedium, modifier = Modifier.semantics { heading() })
                        v.points.forEach { Text(it, style = MaterialTheme.typography.bodyLarge) }
                        v.numbers.forEach { n ->
                            Button(onClick = {
                                try {
                                    context.startActivity(Intent(Intent.ACTION_DIAL, Uri.parse(n.uri)))
                                } catch (e: ActivityNotFoundException) {
                                    // No dialer (a tablet): the number is on the button to read out.
                                }
                            }, modifier = Modifier.fillMaxWidth()) {
                                // The number as one left-to-right unit (the core's isolate): never "50 50 50-020".
                                Column { Text(n.label); Text(n.display, style = MaterialTheme.typography.titleMedium) }
                            }
                        }
                    }
                }
            }
        }
    }
}
