package org.fyr.app.ui

import android.content.ActivityNotFoundException
import android.content.Context
import android.content.Intent

/**
 * Starts [intent] for a contact action (dialer, messages, a chat's page).
 * Returns false instead of crashing when no app on this device takes it (a
 * tablet without a dialer, a phone without an SMS app) or the platform
 * refuses it; the caller then shows the core's message. The one place the
 * app hands a number to another app (the 112 strip and the service page).
 */
fun startContact(context: Context, intent: Intent): Boolean =
    try {
        context.startActivity(intent)
        true
    } catch (e: ActivityNotFoundException) {
        false
    } catch (e: SecurityException) {
        false
    }
