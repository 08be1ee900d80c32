#!/usr/bin/env bash
# The hub's and the console's tests (and two hub processes on one database,
# cli/tests/hub_scale_out.rs) a second time, against a real PostgreSQL:
# Debian's `postgresql` package (installed when missing), a throwaway
# cluster initialised in a temporary directory and listening on 127.0.0.1
# on a free port only, run as a non-root user (PostgreSQL refuses root:
# `postgres`, which the package makes, when run as root), stopped and
# removed at the end. The tests read FYR_TEST_PG and make a fresh database
# per test. Nothing is rebuilt: the environment variable is read at run time.
set -euo pipefail
cd "$(dirname "$0")/.."

pgbin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  done
  return 1
}
if ! pgbin >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq </dev/null && $SUDO apt-get install -y -qq postgresql </dev/null
fi
bin="$(pgbin)"

as_user=()
if [ "$(id -u)" = 0 ]; then
  user=postgres
  id "$user" >/dev/null 2>&1 || user=nobody
  as_user=(runuser -u "$user" --)
fi

dir="$(mktemp -d "${TMPDIR:-/tmp}/fyr-ci-pg.XXXXXX")"
chmod 755 "$dir"
[ "${#as_user[@]}" = 0 ] || chown "${as_user[2]}" "$dir"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
stop() {
  "${as_user[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT

"${as_user[@]}" "$bin/initdb" -D "$dir/data" -U fyr --auth=trust -E UTF8 >"$dir/initdb.log"
# Only 127.0.0.1, the socket in the temporary directory; a throwaway
# cluster, so no fsync (the tests test the hub, not the disk).
"${as_user[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-h 127.0.0.1 -p $port -k $dir -c max_connections=200 -c fsync=off" start >/dev/null
echo "$("$bin/postgres" --version) on 127.0.0.1:$port"

export FYR_TEST_PG="postgres://fyr@127.0.0.1:$port/postgres"
# The test executables the workspace run just built (the same selection, so
# cargo builds nothing: `cargo test -p …` could resolve other features and
# rebuild); each run from its package's folder, as cargo does.
select="${FYR_PG_SELECT:---workspace}"
# shellcheck disable=SC2086
cargo test $select --no-run --message-format=json 2>/dev/null | python3 -c '
import json, os, sys
for line in sys.stdin:
    try:
        m = json.loads(line)
    except ValueError:
        continue
    if m.get("reason") != "compiler-artifact" or not m.get("executable"):
        continue
    if not m.get("profile", {}).get("test"):
        continue
    d = os.path.dirname(m["manifest_path"])
    name = m["target"]["name"]
    if d.endswith("/hub") or (d.endswith("/cli") and name == "hub_scale_out"):
        print(d + "\t" + m["executable"])
' >"$dir/tests.tsv"
[ -s "$dir/tests.tsv" ] || { echo "ci-postgres: no hub test executables found"; exit 1; }
failed=0
while IFS=$'\t' read -r pkg exe; do
  echo "-- $(basename "$exe") (PostgreSQL)"
  (cd "$pkg" && "$exe") || failed=1
done <"$dir/tests.tsv"
exit "$failed"
