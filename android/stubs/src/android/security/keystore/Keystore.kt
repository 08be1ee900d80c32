// Compile-check stand-in (android/stubs): documented signature of the real API; nothing here runs.
@file:Suppress("unused", "UNUSED_PARAMETER", "PackageDirectoryMismatch")

package android.security.keystore

import org.fyr.stubs.stub
import java.security.spec.AlgorithmParameterSpec

class KeyGenParameterSpec private constructor() : AlgorithmParameterSpec {
    class Builder(keystoreAlias: String, purposes: Int) {
        fun setBlockModes(vararg blockModes: String): Builder = stub()
        fun setEncryptionPaddings(vararg paddings: String): Builder = stub()
        fun setKeySize(keySize: Int): Builder = stub()
        fun setRandomizedEncryptionRequired(required: Boolean): Builder = stub()
        fun build(): KeyGenParameterSpec = stub()
    }
}

object KeyProperties {
    const val KEY_ALGORITHM_AES: String = "AES"
    const val PURPOSE_ENCRYPT: Int = 1
    const val PURPOSE_DECRYPT: Int = 2
    const val BLOCK_MODE_GCM: String = "GCM"
    const val ENCRYPTION_PADDING_NONE: String = "NoPadding"
}

open class KeyPermanentlyInvalidatedException : java.security.InvalidKeyException()
