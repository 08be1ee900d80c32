package org.fyr.app.ui

import androidx.compose.runtime.mutableStateOf
import org.fyr.core.FyrCore
import org.fyr.core.ScreeningOutcome
import org.fyr.core.ScreeningView

/**
 * The screening in hand, held by the Application (not by a composable), so
 * opening a referral, switching tabs or rotating the phone keeps it. The
 * session itself lives sealed in the core; this holds only what is on screen.
 */
class ScreeningModel {
    /** The session being answered, or null. */
    val view = mutableStateOf<ScreeningView?>(null)

    /** The result just completed, with its referrals; kept until the user taps "Done". */
    val outcome = mutableStateOf<ScreeningOutcome?>(null)

    /**
     * A completed session's result: the one in memory when it is that
     * session's, else given again by the core from the sealed record (after
     * Android ended the process, the in-memory result is gone).
     */
    fun result(core: FyrCore, sessionId: String): ScreeningOutcome =
        outcome.value?.takeIf { it.sessionId == sessionId } ?: core.screeningResult(sessionId)

    /**
     * Discreet mode: one tap drops what is on screen (the core keeps the
     * session sealed and resumable from the Screening tab).
     */
    fun hide() {
        view.value = null
        outcome.value = null
    }
}
