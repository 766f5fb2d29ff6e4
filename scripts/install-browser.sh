#!/usr/bin/env bash
# Chromium and a CJK font for the reader-level tests (Playwright drives the system Chromium; its own
# browser download is not used). Debian/Ubuntu: installs with apt-get. Skips what is already there.
set -euo pipefail

have_browser() { command -v chromium >/dev/null || command -v chromium-browser >/dev/null || command -v google-chrome >/dev/null; }
have_cjk_font() { fc-list :lang=zh 2>/dev/null | grep -q .; }

if have_browser && have_cjk_font; then
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "install-browser: no apt-get here. Install Chromium (or Chrome) and a CJK font (e.g. Noto Sans CJK) yourself." >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
packages=(fonts-noto-cjk)
if ! have_browser; then packages+=(chromium); fi
$sudo apt-get update -qq
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
have_browser || { echo "install-browser: Chromium is still missing after apt-get" >&2; exit 1; }
