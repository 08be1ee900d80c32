// Compile-check stand-in (android/stubs): documented signature of the real API; nothing here runs.
@file:Suppress("unused", "UNUSED_PARAMETER", "PackageDirectoryMismatch")

package android.location

import android.os.CancellationSignal
import org.fyr.stubs.stub
import java.util.concurrent.Executor
import java.util.function.Consumer

open class Location(provider: String?) {
    val latitude: Double get() = stub()
    val longitude: Double get() = stub()
    val time: Long get() = stub()
    /** getElapsedRealtimeNanos(): when the fix was taken, on the elapsed-realtime clock. */
    val elapsedRealtimeNanos: Long get() = stub()
}

open class LocationManager {
    fun getProviders(enabledOnly: Boolean): List<String> = stub()
    fun getLastKnownLocation(provider: String): Location? = stub()
    /** API 30. */
    fun getCurrentLocation(provider: String, cancellationSignal: CancellationSignal?, executor: Executor, consumer: Consumer<Location?>): Unit = stub()
    fun isProviderEnabled(provider: String): Boolean = stub()
    companion object {
        const val NETWORK_PROVIDER: String = "network"
        const val GPS_PROVIDER: String = "gps"
        const val FUSED_PROVIDER: String = "fused"
    }
}
