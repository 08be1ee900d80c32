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
 * The 32-byte key of the encrypted store. It is generated once with
 * SecureRandom and saved in app-private storage only wrapped (AES-256-GCM) by a
 * non-exportable key in the Android Keystore (hardware-backed where the
 * device has it). Without the Keystore key the file is useless: it is never
 * backed up (see data_extraction_rules.xml).
 */
object StoreKey {
    private const val ALIAS = "fyr-store-key-wrap"
    private const val FILE = "store.key.wrapped"
    private const val GCM_TAG_BITS = 128

    /** The store key as 64 hex digits, for FyrCore.open. */
    fun hex(context: Context): String = load(context).joinToString("") { "%02x".format(it) }

    @Synchronized
    private fun load(context: Context): ByteArray {
        val file = File(context.noBackupFilesDir, FILE)
        val wrapping = wrappingKey()
        if (file.exists()) {
            val bytes = file.readBytes()
            val ivLen = bytes[0].toInt()
            val iv = bytes.copyOfRange(1, 1 + ivLen)
            val sealed = bytes.copyOfRange(1 + ivLen, bytes.size)
            val cipher = Cipher.getInstance("AES/GCM/NoPadding")
            cipher.init(Cipher.DECRYPT_MODE, wrapping, GCMParameterSpec(GCM_TAG_BITS, iv))
            return cipher.doFinal(sealed)
        }
        val key = ByteArray(32).also { SecureRandom().nextBytes(it) }
        val cipher = Cipher.getInstance("AES/GCM/NoPadding")
        cipher.init(Cipher.ENCRYPT_MODE, wrapping) // the Keystore picks a fresh IV
        val sealed = cipher.doFinal(key)
        val iv = cipher.iv
        val tmp = File(file.parentFile, "$FILE.tmp")
        tmp.writeBytes(byteArrayOf(iv.size.toByte()) + iv + sealed)
        check(tmp.renameTo(file)) { "cannot save the wrapped store key" }
        return key
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
