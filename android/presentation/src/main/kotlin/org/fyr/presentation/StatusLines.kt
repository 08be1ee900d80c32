// The Status screen's texts from the core's Status. Relative times are
// computed against a caller-supplied "now" so they can be tested.
package org.fyr.presentation

import org.fyr.core.Status
import java.time.Duration
import java.time.Instant

enum class Tone { NORMAL, WARNING }

data class StatusLine(val text: String, val tone: Tone = Tone.NORMAL)

private fun parseInstant(s: String?): Instant? = s?.let { runCatching { Instant.parse(it) }.getOrNull() }

fun statusLines(status: Status, now: Instant, ui: Ui): List<StatusLine> = buildList {
    add(StatusLine(ui.dataVersion(status.contentVersion, status.contentAgeDays)))
    status.staleWarning?.let { add(StatusLine(it, Tone.WARNING)) }
    val last = parseInstant(status.lastSync)
    if (last == null) {
        add(StatusLine(ui.neverSynced))
    } else {
        val ago = Duration.between(last, now).toMinutes().coerceAtLeast(0)
        add(StatusLine(ui.lastSync(ui.ago(ago), status.lastResult)))
    }
    if (last == null && status.lastResult != null) add(StatusLine(status.lastResult!!, Tone.WARNING))
    parseInstant(status.nextAttempt)?.let { next ->
        val inMin = Duration.between(now, next).toMinutes().coerceAtLeast(0)
        add(StatusLine(ui.nextAttempt(ui.inTime(inMin)), Tone.WARNING))
    }
    // Why the outbox did not go, in the core's words, with what to do.
    status.uploadNote?.let { add(StatusLine(it, Tone.WARNING)) }
    if (status.uploadBlocked == "not_enrolled" && status.uploadNote == null) add(StatusLine(ui.enrollHint, Tone.WARNING))
    add(
        if (status.outboxSize == 0u && status.quarantined == 0u) StatusLine(ui.outboxEmpty)
        else StatusLine(ui.outbox(status.outboxSize, status.quarantined), if (status.quarantined > 0u) Tone.WARNING else Tone.NORMAL),
    )
}
