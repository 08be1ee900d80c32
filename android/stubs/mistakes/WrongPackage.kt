// A deliberate mistake (scripts/ci-android-compile.sh): ActivityResult lives
// in androidx.activity.result, not in ...result.contract. The check must
// refuse this file.
// expect: Unresolved reference 'ActivityResult'
package org.fyr.mistakes

import androidx.activity.result.contract.ActivityResult

fun wrongPackage(r: ActivityResult) = r.resultCode
