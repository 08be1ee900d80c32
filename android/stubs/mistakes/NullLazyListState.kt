// A deliberate mistake (scripts/ci-android-compile.sh): LazyColumn's `state`
// is a LazyListState (default rememberLazyListState()), never null. The check
// must refuse this file.
// expect: Null cannot be a value of a non-null type
package org.fyr.mistakes

import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.runtime.Composable

@Composable
fun NullLazyListState() {
    LazyColumn(state = null) {}
}
