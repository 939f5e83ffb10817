#!/usr/bin/env bash
# Makes sure Debian's Chromium and ChromeDriver are installed (/usr/bin/chromium, /usr/bin/chromedriver), for the status
# page's browser test. Idempotent: does nothing when Chromium is already there; installs with apt-get when run as root.
set -euo pipefail

if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "error: /usr/bin/chromium or /usr/bin/chromedriver is missing and this is not root;" \
       "install them with: sudo apt-get install -y chromium chromium-driver" >&2
  exit 1
fi
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium chromium-driver
/usr/bin/chromium --version
