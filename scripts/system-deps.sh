#!/bin/sh
# Installs the Debian packages the test suite needs, only when they are missing.
set -e
need=""
[ -x /usr/bin/chromium ] || need="$need chromium"
fc-list 2>/dev/null | grep -qi "noto sans cjk" || need="$need fonts-noto-cjk"
[ -z "$need" ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "Missing Debian packages:$need (install them with apt-get as root)" >&2
  exit 1
fi
echo "Installing Debian packages:$need"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
