#!/usr/bin/env bash
# Re-publishes the bundled default (content/feed/) after content/ changed.
#
#   scripts/publish-bundle.sh KEY_FILE            the next signed version of the
#       bundled feed (devices with an older app receive it as a delta); KEY_FILE
#       must be a key the bundled version trusts (content/distribution.toml's
#       trusted_keys or next_keys), else `fyr hub publish` refuses it.
#   scripts/publish-bundle.sh KEY_FILE --new-key  the bundle's private key is
#       lost (it is never in the repository): starts a new bundled feed signed
#       by KEY_FILE and makes its public key the one content/distribution.toml
#       trusts. The trusted key is also what devices accept from the hub, so a
#       region's hub must publish with the same key (README "A region's
#       deployment").
# KEY_FILE is a `fyr hub keygen` fyr-feed.key with its fyr-feed.pub beside it.
set -euo pipefail
cd "$(dirname "$0")/.."
key="${1:?usage: scripts/publish-bundle.sh KEY_FILE [--new-key]}"
mode="${2:-}"
pub="${key%.key}.pub"
[ -f "$pub" ] || { echo "publish-bundle: $pub not found beside $key"; exit 2; }
case "$mode" in
"" | --new-key) ;;
*) echo "publish-bundle: unknown option $mode (only --new-key)"; exit 2 ;;
esac
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
new_feed=()
if [ "$mode" = --new-key ]; then
    hex="$(tr -d '[:space:]' < "$pub")"
    sed -i "s/^trusted_keys = .*/trusted_keys = [\"$hex\"]/; s/^next_keys = .*/next_keys = []/; s/^retired_keys = .*/retired_keys = []/" content/distribution.toml
    new_feed=(--new-feed)
fi
cargo build -q -p fyr-cli
# An empty feed folder continues the bundled version compiled into fyr
# (unless --new-key started a new feed).
target/debug/fyr hub publish --content content --key "$key" --feed "$tmp/feed" --expires-days 3650 "${new_feed[@]}"
target/debug/fyr hub export-bundle --feed "$tmp/feed" --out content/feed
cp "$pub" content/feed/publisher.pub
cargo build -q -p fyr-cli
echo "publish-bundle: content/feed/ updated; commit it with the content change"
