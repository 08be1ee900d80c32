#!/usr/bin/env bash
# Re-publishes the bundled default (content/feed/) after content/ changed.
# The bundle is a snapshot of a TUF repository: content/feed/root.json is a
# fresh install's trusted root (who is trusted lives only there),
# targets.json lists manifest.json with its length and sha256, and
# manifest.json + snapshot.json.gz are the content version.
#
#   scripts/publish-bundle.sh KEY_FILE
#       the next version of the bundled feed (devices with an older app
#       receive it as a delta). KEY_FILE is the targets (publishing) key,
#       e.g. /work/keys/fyr-feed.key; beside it the script expects
#       snapshot.key and timestamp.key (online keys) and, only when the
#       bundle has no root yet, root-1.key, root-2.key, root-3.key: it then
#       signs root version 1 (threshold 2 of the three root keys). Missing
#       snapshot/timestamp/root keys are made with `fyr hub keygen`.
#       A region keeps its root keys on an offline machine and rotates keys
#       with `fyr hub root sign` (README "A region's deployment").
#   scripts/publish-bundle.sh KEY_FILE --new-root
#       the same, but signs a new root version 1 from root-1..3.key beside
#       KEY_FILE instead of keeping content/feed/root.json (for when the
#       bundle's root keys are lost: the repository's bundle root is a
#       development root, which a region replaces with its own).
set -euo pipefail
cd "$(dirname "$0")/.."
usage="usage: scripts/publish-bundle.sh KEY_FILE [--new-root] (KEY_FILE is the targets key; snapshot.key, timestamp.key beside it)"
key="${1:?$usage}"
new_root=0
if [ $# -ge 2 ]; then
    [ "$2" = --new-root ] || { echo "publish-bundle: unknown option $2"; echo "$usage"; exit 2; }
    new_root=1
fi
[ $# -le 2 ] || { echo "publish-bundle: unknown option $3"; echo "$usage"; exit 2; }
[ -f "$key" ] || { echo "publish-bundle: $key not found"; exit 2; }
keys="$(cd "$(dirname "$key")" && pwd)"
pub="${key%.key}.pub"
[ -f "$pub" ] || { echo "publish-bundle: $pub not found beside $key"; exit 2; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cargo build -q -p fyr-cli
fyr=target/debug/fyr
for k in snapshot timestamp; do
    [ -f "$keys/$k.key" ] || "$fyr" hub keygen --out "$keys" --name "$k" >/dev/null
done
mkdir -p "$tmp/feed/metadata"
if [ -f content/feed/root.json ] && [ $new_root = 0 ]; then
    v="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["signed"]["version"])' content/feed/root.json)"
    cp content/feed/root.json "$tmp/feed/metadata/$v.root.json"
else
    for k in root-1 root-2 root-3; do
        [ -f "$keys/$k.key" ] || "$fyr" hub keygen --out "$keys" --name "$k" >/dev/null
    done
    "$fyr" hub root sign --feed "$tmp/feed" \
        --root-pub "$keys/root-1.pub" --root-pub "$keys/root-2.pub" --root-pub "$keys/root-3.pub" \
        --threshold 2 --targets-pub "$pub" --snapshot-pub "$keys/snapshot.pub" \
        --timestamp-pub "$keys/timestamp.pub" --key "$keys/root-1.key" --key "$keys/root-2.key"
fi
# An empty feed folder continues the bundled version compiled into fyr.
"$fyr" hub publish --content content --key "$key" --snapshot-key "$keys/snapshot.key" \
    --timestamp-key "$keys/timestamp.key" --feed "$tmp/feed" --expires-days 3650
"$fyr" hub export-bundle --feed "$tmp/feed" --out content/feed
rm -f content/feed/publisher.pub
cargo build -q -p fyr-cli
echo "publish-bundle: content/feed/ updated; commit it with the content change"
