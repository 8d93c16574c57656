#!/usr/bin/env bash
# Install what the browser tests (tests/web, marker `browser`) need from Debian's packages:
# Chromium, its matching ChromeDriver and a CJK font (without one, Chinese renders as boxes).
# Idempotent: installs nothing when all three are already there. Needs root (or sudo).
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
if ! fc-list :lang=zh family 2>/dev/null | grep -q .; then
  missing+=(fonts-noto-cjk)
fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "install_browser: chromium, chromedriver and a CJK font are already installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "install_browser: need root to apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

echo "install_browser: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
/usr/bin/chromium --version
/usr/bin/chromedriver --version
