#!/usr/bin/env bash
# The TUF conformance suite (theupdateframework/tuf-conformance, a copy in
# ../shared/tuf-conformance) against Fyr's update client through
# scripts/fyr-tuf (`fyr tuf`, the suite's client CLI protocol). Expected
# failures, each with its reason: scripts/fyr-tuf.xfails.
# Installs Debian's faketime when missing and the suite with its pinned
# dependencies from PyPI into a venv. Needs no stdin. Ends with
#   tuf-conformance: N passed, M failed, X xfailed
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
suite_src="${TUF_CONFORMANCE_DIR:-$root/../shared/tuf-conformance}"
[ -d "$suite_src" ] || suite_src=/work/shared/tuf-conformance
[ -d "$suite_src/tuf_conformance" ] || { echo "ci-tuf: no tuf-conformance at $suite_src"; exit 1; }

if ! command -v faketime >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq </dev/null && $SUDO apt-get install -y -qq faketime </dev/null
fi

work="${TMPDIR:-/tmp}/fyr-ci-tuf"
mkdir -p "$work"
# shared/ is read-only: install from a copy.
rm -rf "$work/suite" && cp -r "$suite_src" "$work/suite" && chmod -R u+w "$work/suite"
if [ ! -x "$work/env/bin/pip" ]; then
  rm -rf "$work/env"
  if ! python3 -m venv "$work/env" </dev/null; then
    # Debian's python3 has venv in a package of its own.
    export DEBIAN_FRONTEND=noninteractive
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get update -qq </dev/null && $SUDO apt-get install -y -qq python3-venv </dev/null
    rm -rf "$work/env" && python3 -m venv "$work/env"
  fi
fi
"$work/env/bin/pip" install -q --disable-pip-version-check "$work/suite" </dev/null

cargo build -q -p fyr-cli --bin fyr
report="$work/report.json"
set +e
PATH="$work/env/bin:$PATH" "$work/env/bin/pytest" "$work/suite/tuf_conformance" \
  --entrypoint "$root/scripts/fyr-tuf" -q -p no:cacheprovider \
  --json-report --json-report-file="$report" </dev/null
rc=$?
set -e
python3 - "$report" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["summary"]
print(f"tuf-conformance: {s.get('passed', 0)} passed, {s.get('failed', 0)} failed, "
      f"{s.get('xfailed', 0)} xfailed, {s.get('xpassed', 0)} xpassed")
PY
echo "expected failures (scripts/fyr-tuf.xfails, each with its reason):"
awk '/^#/ { why = why substr($0, 3) " " } /^[^#]/ && NF { print "  " $0 ": " why; why = "" } /^$/ { why = "" }' scripts/fyr-tuf.xfails
exit "$rc"
