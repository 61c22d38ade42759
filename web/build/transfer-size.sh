#!/usr/bin/env bash
# Bytes on the wire of the widget's and the agent desktop's files, as a
# browser with an empty cache fetches them, for each Accept-Encoding: the
# page, then every /assets/ file it names (its scripts, the modules they
# preload and its style sheet; those are all their static imports), and for
# the widget also the loader /widget.js. Used for docs/benchmarks.md
# ("Front-end transfer size"). Usage: web/build/transfer-size.sh BASE_URL
set -euo pipefail
base=${1:?usage: $0 BASE_URL, e.g. http://127.0.0.1:8080}

# size URL ENCODING: the bytes of the answer's body as sent (curl decodes
# nothing: the header is sent by hand, not with --compressed).
size() {
  local h=()
  [ -n "$2" ] && h=(-H "Accept-Encoding: $2")
  curl -fsS -o /dev/null "${h[@]}" -w '%{size_download}' "$1"
}

for surface in "widget:/widget/frame:/widget.js" "agent desktop:/agent:"; do
  IFS=: read -r label page extra <<<"$surface"
  files=("$page" $extra $(curl -fsS "$base$page" | grep -o '/assets/[^"]*' | sort -u))
  printf '%s (%d files):' "$label" "${#files[@]}"
  for enc in identity gzip br; do
    total=0
    for f in "${files[@]}"; do total=$((total + $(size "$base$f" "$enc"))); done
    printf ' %s %d B' "$enc" "$total"
  done
  echo
done
