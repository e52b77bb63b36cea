#!/usr/bin/env bash
# Lighthouse scores (performance, accessibility, best practices, SEO) of the running portal, for the
# home page, a regulation and a search results page, on mobile and desktop. A benchmark, not a gate:
# the scores move with the machine's load (performance most), so run it on a quiet machine and write
# the figures into docs/performance.md.
#
#   bench/lighthouse.sh                 # builds content/ into a temporary folder and serves it
#   BUILD_DIR=build bench/lighthouse.sh # uses an existing build (portal build --out build)
#
# Needs Node 20 and Chromium (CHROME_PATH, default /usr/bin/chromium); Lighthouse 12.2.3 is installed
# from bench/lighthouse/package-lock.json on first use. Everything stays on 127.0.0.1.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
py="$repo/.venv/bin/python"
export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"
[ -x "$here/lighthouse/node_modules/.bin/lighthouse" ] || (cd "$here/lighthouse" && npm ci --no-audit --no-fund --silent)
work="$(mktemp -d)"
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

build="${BUILD_DIR:-$work/build}"
if [ -z "${BUILD_DIR:-}" ]; then
  (cd "$repo" && "$py" -m portal.cli build --out "$build" >/dev/null)
fi
port="$("$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
(cd "$repo" && PORTAL_STORE="sqlite:///$work/portal.db" PORTAL_BLOBS="file:///$work/uploads" \
  PORTAL_SECRET_KEY="$("$py" -c 'import secrets; print(secrets.token_hex(32))')" \
  exec "$py" -m portal.cli serve --no-build --out "$build" --host 127.0.0.1 --port "$port" >"$work/server.log" 2>&1) &
server=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 100); do curl -fs "$base/" >/dev/null 2>&1 && break; sleep 0.3; done
regulation="$(cd "$build/site/regulations" && ls -d */ | grep -v -e '^category' -e '^unit' -e '^year' -e '^[0-9]' | head -1)"
pages=("home $base/" "regulation $base/regulations/$regulation" "search $base/search/?q=%E5%85%9A%E5%91%98%E6%95%99%E8%82%B2")

printf '%-11s %-8s %5s %5s %5s %5s\n' page form perf a11y best seo
for entry in "${pages[@]}"; do
  name="${entry%% *}"; url="${entry#* }"
  for form in mobile desktop; do
    preset=(); [ "$form" = desktop ] && preset=(--preset=desktop)
    "$here/lighthouse/node_modules/.bin/lighthouse" "$url" --quiet --output=json --output-path="$work/$name-$form.json" \
      --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-background-networking" "${preset[@]}" \
      --only-categories=performance,accessibility,best-practices,seo >/dev/null 2>"$work/lh.err" || { cat "$work/lh.err"; exit 1; }
    "$py" - "$work/$name-$form.json" "$name" "$form" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
score = lambda c: round(100 * (report["categories"][c]["score"] or 0))
print(f"{sys.argv[2]:<11} {sys.argv[3]:<8} {score('performance'):>5} {score('accessibility'):>5} "
      f"{score('best-practices'):>5} {score('seo'):>5}")
failed = [a["id"] for a in report["audits"].values() if a.get("score") == 0 and a.get("scoreDisplayMode") == "binary"]
if failed:
    print("            failing audits:", ", ".join(sorted(failed)[:12]))
PY
  done
done
