# Sourced by scripts/mobile-size.sh and ios/build-xcframework.sh: exports
# each KEY=value of mobile-build.env (beside this file) unless the variable
# is already set. The Android build reads the same file itself.
while IFS= read -r line; do
  case "$line" in ''|'#'*) continue ;; esac
  k="${line%%=*}"
  [ -n "${!k:-}" ] || export "$k=${line#*=}"
done < "$(dirname "${BASH_SOURCE[0]}")/mobile-build.env"
