package org.fyr.presentation

import org.fyr.core.Status

/**
 * Where the wrapped screening key lives. Android: a file wrapped by a
 * Keystore key (`security/StoreKey.kt`); tests: a stand-in. The vault, not
 * the platform code, decides what a failure means.
 */
interface WrappedKeyStore {
    /** The current key, or null when none was ever saved here. Throws when one exists but cannot be read now. */
    fun read(): ByteArray?

    /** Saves [key] as the current key. Never called while a current key exists (it is set aside first). */
    fun writeNew(key: ByteArray)

    /** Moves the current wrapped key aside, kept and unchanged; true when there was one. */
    fun setAside(): Boolean

    /** How many keys are set aside. */
    fun asideCount(): Int

    /** Deletes the keys set aside (when nothing they sealed is left). */
    fun deleteAside()
}

/** The screening key as the app knows it. */
sealed interface KeyState {
    /** Read (or, on a first start, made): 64 hex digits for `FyrCore.open`. */
    data class Ready(val hex: String) : KeyState

    /**
     * The key exists but could not be read now (Keystore busy, locked, an I/O
     * error): retryable. The directory opens without it; a new key is never offered for this.
     */
    data class ReadFailed(val cause: Throwable) : KeyState
}

/** What the Screening tab offers when screenings are not usable. */
enum class KeyAction {
    /** Screenings work. */
    NONE,

    /** The key could not be read: "Try again" (nothing is lost). */
    RETRY,

    /** The core says the key is missing or wrong for the saved screenings: a new key, only after confirmation. */
    OFFER_NEW_KEY,
}

/**
 * The one place the app reads, makes and replaces the screening key.
 *
 * - A failed read is [KeyState.ReadFailed]: retryable, never a reason to make
 *   a key, and never cached for the life of the process ([load] reads again).
 * - A key is made silently only when none exists at all (a first start).
 * - [replace] runs only after the user confirmed that saved screenings
 *   become unreadable; the old wrapped key is set aside (kept, never deleted
 *   or overwritten) until [purgeAside] finds nothing left that it sealed.
 */
class KeyVault(
    private val store: WrappedKeyStore,
    private val random: (ByteArray) -> Unit,
) {
    /** Reads the key; makes one only when there is none at all. */
    @Synchronized
    fun load(): KeyState = try {
        val existing = store.read()
        if (existing != null) {
            KeyState.Ready(hex(existing))
        } else {
            val key = ByteArray(32).also(random)
            store.writeNew(key)
            KeyState.Ready(hex(key))
        }
    } catch (t: Throwable) {
        KeyState.ReadFailed(t)
    }

    /**
     * A new key in place of one that is lost or wrong, after the user
     * confirmed. The current wrapped key (if readable or not) is set aside,
     * not deleted. Returns the new key's hex for `FyrCore.resetScreeningKey`.
     */
    @Synchronized
    fun replace(confirmedScreeningsBecomeUnreadable: Boolean): String {
        require(confirmedScreeningsBecomeUnreadable) { "a new screening key needs the user's confirmation" }
        store.setAside()
        val key = ByteArray(32).also(random)
        store.writeNew(key)
        return hex(key)
    }

    /** Deletes keys set aside once the core lists no unreadable screening left (retention purged them). */
    @Synchronized
    fun purgeAside(unreadableLeft: Int) {
        if (unreadableLeft == 0 && store.asideCount() > 0) store.deleteAside()
    }

    companion object {
        fun hex(b: ByteArray) = b.joinToString("") { "%02x".format(it) }

        /**
         * What to offer: a key that could not be read is retried, whatever the
         * core says (it was opened without the key); only a key that was read
         * and is missing or wrong for the saved screenings leads to a new one.
         */
        fun action(state: KeyState, status: Status?): KeyAction = when {
            state is KeyState.ReadFailed -> KeyAction.RETRY
            status?.screeningsLockReason != null -> KeyAction.OFFER_NEW_KEY
            else -> KeyAction.NONE
        }
    }
}
