// The Search screen's filter state and the query it makes. Matching, ranking
// and open-now are the core's; this only holds what the user picked.
package org.fyr.presentation

import org.fyr.core.GeoPoint
import org.fyr.core.SearchQuery

data class FilterState(
    val text: String = "",
    /** A municipality name or SCB code; null means the home municipality from the settings. */
    val municipality: String? = null,
    val groups: Set<String> = emptySet(),
    val needs: Set<String> = emptySet(),
    val forms: Set<String> = emptySet(),
    val openNow: Boolean = false,
    val nearMe: Boolean = false,
    val position: GeoPoint? = null,
    val limit: UInt = 30u,
    /** Readings of the text the user removed (the chips' keys, e.g. `group:men`). */
    val without: Set<String> = emptySet(),
) {
    fun toggleGroup(id: String) = copy(groups = groups.toggle(id))
    fun toggleNeed(id: String) = copy(needs = needs.toggle(id))
    fun toggleForm(id: String) = copy(forms = forms.toggle(id))
    /** New words are read afresh: removed readings are forgotten. */
    fun withText(t: String) = copy(text = t, without = if (t.trim() == text.trim()) without else emptySet())
    /** The user removed a reading chip: search again without that reading. */
    fun withoutReading(key: String) = copy(without = without + key)
    fun clearFilters() = copy(groups = emptySet(), needs = emptySet(), forms = emptySet(), openNow = false, nearMe = false)

    /** How many filters are on (for the "Filters (n)" button); text and place excluded. */
    val activeCount: Int get() = groups.size + needs.size + forms.size + (if (openNow) 1 else 0) + (if (nearMe) 1 else 0)

    /** The filter button: the core's word (`text(UiText.FILTERS)`) with the count when any is on. */
    fun filtersLabel(word: String): String = if (activeCount == 0) word else "$word ($activeCount)"

    /** The core query. `home` is the home municipality from the settings. */
    fun toQuery(home: String?): SearchQuery = SearchQuery(
        text = text.trim(),
        municipality = municipality?.takeIf { it.isNotBlank() } ?: home?.takeIf { it.isNotBlank() },
        groups = groups.sorted(),
        needs = needs.sorted(),
        forms = forms.sorted(),
        language = null,
        openNow = openNow,
        at = null,
        near = if (nearMe) position else null,
        limit = limit,
        without = without.sorted(),
    )
}

private fun Set<String>.toggle(id: String) = if (id in this) this - id else this + id
