package org.fyr.app.security

import android.content.Context
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyProperties
import java.io.File
import java.security.KeyStore
import java.security.SecureRandom
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec

/**
 * Secrets kept only wrapped (AES-256-GCM) by a non-exportable key in the
 * Android Keystore (hardware-backed where the device has it), in app-private
 * storage that is never backed up (see data_extraction_rules.xml):
 *
 * - the 32-byte key of the sealed screenings, generated once with SecureRandom;
 * - the device's upload token from enrollment (the core never stores it).
 *
 * Errors are thrown, never swallowed: the caller opens the directory without
 * the screening key and shows why (FyrApplication).
 */
object StoreKey {
    private const val ALIAS = "fyr-store-key-wrap"
    private const val FILE = "store.key.wrapped"
    private const val TOKEN_FILE = "device-token.wrapped"
    private const val GCM_TAG_BITS = 128

    /** The store key as 64 hex digits, for FyrCore.open. */
    fun hex(context: Context): String = loadKey(context).joinToString("") { "%02x".format(it) }

    /**
     * Replaces the screening key with a new one (when screenings are locked:
     * the old key is lost or wrong) and returns it as 64 hex digits for
     * `FyrCore.resetScreeningKey`. Stored before it is returned, as the core asks.
     */
    @Synchronized
    fun newKey(context: Context): String {
        val key = ByteArray(32).also { SecureRandom().nextBytes(it) }
        save(File(context.noBackupFilesDir, FILE), wrap(key))
        return key.joinToString("") { "%02x".format(it) }
    }

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

    @Synchronized
    private fun loadKey(context: Context): ByteArray {
        val file = File(context.noBackupFilesDir, FILE)
        if (file.exists()) return unwrap(file.readBytes())
        val key = ByteArray(32).also { SecureRandom().nextBytes(it) }
        save(file, wrap(key))
        return key
    }

    private fun wrap(secret: ByteArray): ByteArray {
        val cipher = Cipher.getInstance("AES/GCM/NoPadding")
        cipher.init(Cipher.ENCRYPT_MODE, wrappingKey()) // the Keystore picks a fresh IV
        val sealed = cipher.doFinal(secret)
        val iv = cipher.iv
        return byteArrayOf(iv.size.toByte()) + iv + sealed
    }

    private fun unwrap(bytes: ByteArray): ByteArray {
        require(bytes.isNotEmpty() && bytes[0] in 1..32 && bytes.size > 1 + bytes[0]) { "the wrapped key file is damaged" }
        val ivLen = bytes[0].toInt()
        val iv = bytes.copyOfRange(1, 1 + ivLen)
        val sealed = bytes.copyOfRange(1 + ivLen, bytes.size)
        val cipher = Cipher.getInstance("AES/GCM/NoPadding")
        cipher.init(Cipher.DECRYPT_MODE, wrappingKey(), GCMParameterSpec(GCM_TAG_BITS, iv))
        return cipher.doFinal(sealed)
    }

    private fun save(file: File, bytes: ByteArray) {
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
