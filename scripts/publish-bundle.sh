#!/usr/bin/env bash
# Re-publishes the bundled default (content/feed/) after content/ changed:
# the next signed version of the bundled feed, so that devices with an older
# app still receive it as a delta. Usage: scripts/publish-bundle.sh KEY_FILE
# (the publisher's fyr-feed.key; its fyr-feed.pub must sit beside it).
# Without the old key, make a new pair with `fyr hub keygen` — devices only
# use this key to check the bundled copy, not to trust a hub.
set -euo pipefail
cd "$(dirname "$0")/.."
key="${1:?usage: scripts/publish-bundle.sh KEY_FILE}"
pub="${key%.key}.pub"
[ -f "$pub" ] || { echo "publish-bundle: $pub not found beside $key"; exit 2; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cargo build -q -p fyr-cli
# An empty feed folder continues the bundled version compiled into fyr.
target/debug/fyr hub publish --content content --key "$key" --feed "$tmp/feed" --expires-days 3650
target/debug/fyr hub export-bundle --feed "$tmp/feed" --out content/feed
cp "$pub" content/feed/publisher.pub
cargo build -q -p fyr-cli
echo "publish-bundle: content/feed/ updated; commit it with the content change"
