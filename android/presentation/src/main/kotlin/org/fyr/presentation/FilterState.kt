// The Search screen's filter state: only what the user picked (toggles).
// The query it makes — trimmed words, the home municipality when none is
// picked, the position only while "near me" is on, filters as sets, the
// list's length — is the core's (`FyrCore.searchForm`, `fyr_core::form`),
// the same rules as on iOS.
package org.fyr.presentation

import org.fyr.core.types.GeoPoint
import org.fyr.core.types.SearchForm

data class FilterState(
    val text: String = "",
    /** A municipality name or SCB code; null means the home municipality (the core fills it in). */
    val municipality: String? = null,
    val groups: Set<String> = emptySet(),
    val needs: Set<String> = emptySet(),
    val forms: Set<String> = emptySet(),
    val openNow: Boolean = false,
    val nearMe: Boolean = false,
    val position: GeoPoint? = null,
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

    /**
     * The core's search form, field for field (no rules here): search it with
     * `core.searchForm(form())`; the filter button's label is
     * `filtersLabel(form(), lang)`.
     */
    fun form(): SearchForm = SearchForm(
        text = text,
        municipality = municipality,
        groups = groups.toList(),
        needs = needs.toList(),
        forms = forms.toList(),
        openNow = openNow,
        nearMe = nearMe,
        position = position,
        without = without.toList(),
        limit = 0u,
    )
}

private fun Set<String>.toggle(id: String) = if (id in this) this - id else this + id
