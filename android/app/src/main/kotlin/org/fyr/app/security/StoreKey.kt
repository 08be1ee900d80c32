package org.fyr.app.security

import android.content.Context
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyProperties
import org.fyr.presentation.WrappedKeyStore
import java.io.File
import java.security.KeyStore
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec

/**
 * Secrets kept only wrapped (AES-256-GCM) by a non-exportable key in the
 * Android Keystore (hardware-backed where the device has it), in app-private
 * storage that is never backed up (see data_extraction_rules.xml):
 *
 * - the 32-byte key of the sealed screenings ([ScreeningKeyFiles], used by
 *   `KeyVault` in :presentation, which decides what a failure means);
 * - the device's upload token from enrollment (the core never stores it).
 *
 * Errors are thrown, never swallowed or turned into a new key. Called off the
 * main thread only (Keystore operations can block).
 */
object StoreKey {
    private const val ALIAS = "fyr-store-key-wrap"
    internal const val FILE = "store.key.wrapped"
    internal const val ASIDE_PREFIX = "store.key.aside-"
    private const val TOKEN_FILE = "device-token.wrapped"
    private const val GCM_TAG_BITS = 128

    /** The device token from enrollment, or null when this phone is not enrolled. */
    @Synchronized
    fun deviceToken(context: Context): String? {
        val file = File(context.noBackupFilesDir, TOKEN_FILE)
        if (!file.exists()) return null
        return String(unwrap(file.readBytes()), Charsets.UTF_8)
    }

    /** Keeps the token from `FyrCore.enroll`; enrolling again replaces it. */
    @Synchronized
    fun saveDeviceToken(context: Context, token: String) {
        save(File(context.noBackupFilesDir, TOKEN_FILE), wrap(token.toByteArray(Charsets.UTF_8)))
    }

    internal fun wrap(secret: ByteArray): ByteArray {
        val cipher = Cipher.getInstance("AES/GCM/NoPadding")
        cipher.init(Cipher.ENCRYPT_MODE, wrappingKey()) // the Keystore picks a fresh IV
        val sealed = cipher.doFinal(secret)
        val iv = cipher.iv
        return byteArrayOf(iv.size.toByte()) + iv + sealed
    }

    internal fun unwrap(bytes: ByteArray): ByteArray {
        require(bytes.isNotEmpty() && bytes[0] in 1..32 && bytes.size > 1 + bytes[0]) { "the wrapped key file is damaged" }
        val ivLen = bytes[0].toInt()
        val iv = bytes.copyOfRange(1, 1 + ivLen)
        val sealed = bytes.copyOfRange(1 + ivLen, bytes.size)
        val cipher = Cipher.getInstance("AES/GCM/NoPadding")
        cipher.init(Cipher.DECRYPT_MODE, wrappingKey(), GCMParameterSpec(GCM_TAG_BITS, iv))
        return cipher.doFinal(sealed)
    }

    internal fun save(file: File, bytes: ByteArray) {
        val tmp = File(file.parentFile, "${file.name}.tmp")
        tmp.writeBytes(bytes)
        check(tmp.renameTo(file)) { "cannot save ${file.name}" }
    }

    private fun wrappingKey(): SecretKey {
        val ks = KeyStore.getInstance("AndroidKeyStore").apply { load(null) }
        (ks.getEntry(ALIAS, null) as? KeyStore.SecretKeyEntry)?.let { return it.secretKey }
        val gen = KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, "AndroidKeyStore")
        gen.init(
            KeyGenParameterSpec.Builder(ALIAS, KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT)
                .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
                .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
                .setKeySize(256)
                .setRandomizedEncryptionRequired(true)
                .build(),
        )
        return gen.generateKey()
    }
}

/**
 * The screening key's files for `KeyVault`: the current wrapped key, and
 * keys set aside by a confirmed reset (renamed, never overwritten or deleted
 * until the vault finds nothing left that they sealed).
 */
class ScreeningKeyFiles(private val context: Context) : WrappedKeyStore {
    private val dir: File get() = context.noBackupFilesDir
    private val current: File get() = File(dir, StoreKey.FILE)

    /** Null only when no key file exists; a file that cannot be unwrapped now throws (retryable). */
    override fun read(): ByteArray? = synchronized(StoreKey) {
        if (!current.exists()) null else StoreKey.unwrap(current.readBytes())
    }

    override fun writeNew(key: ByteArray) = synchronized(StoreKey) {
        check(!current.exists()) { "a current screening key exists: set it aside first" }
        StoreKey.save(current, StoreKey.wrap(key))
    }

    override fun setAside(): Boolean = synchronized(StoreKey) {
        if (!current.exists()) return false
        val aside = File(dir, StoreKey.ASIDE_PREFIX + System.currentTimeMillis())
        check(current.renameTo(aside)) { "cannot set the screening key aside" }
        true
    }

    override fun asideCount(): Int = synchronized(StoreKey) { aside().size }

    override fun deleteAside() = synchronized(StoreKey) { aside().forEach { it.delete() } }

    private fun aside(): List<File> = dir.listFiles()?.filter { it.name.startsWith(StoreKey.ASIDE_PREFIX) }.orEmpty()
}
