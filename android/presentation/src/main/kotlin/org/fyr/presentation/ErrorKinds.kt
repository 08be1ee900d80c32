// Which of the core's error kinds a failure is, so the screen shows the
// core's words for it (`FyrCore.errorText(kind)`); the exception's own
// message is technical and goes to the log only.
package org.fyr.presentation

import org.fyr.core.FyrException
import org.fyr.core.types.ErrorKind

/** The kind of any Throwable from a core call: a FyrException by its subclass, anything else (a failed library load, a Keystore error) INTERNAL. */
fun errorKind(t: Throwable): ErrorKind = when (t) {
    is FyrException.NotFound -> ErrorKind.NOT_FOUND
    is FyrException.InvalidInput -> ErrorKind.INVALID_INPUT
    is FyrException.Storage -> ErrorKind.STORAGE
    is FyrException.Crypto -> ErrorKind.CRYPTO
    is FyrException.ScreeningsLocked -> ErrorKind.SCREENINGS_LOCKED
    is FyrException.Sync, is FyrException.Cancelled -> ErrorKind.SYNC
    is FyrException.NotYet -> ErrorKind.NOT_YET
    else -> ErrorKind.INTERNAL
}
