#!/usr/bin/env bash
# Chromium for the reader-level tests (Playwright drives the system Chromium; its own browser
# download is not used). Debian/Ubuntu: installs it with apt-get when missing. The CJK font the
# tests also need comes from scripts/install-fonts.sh.
set -euo pipefail

have_browser() { command -v chromium >/dev/null || command -v chromium-browser >/dev/null || command -v google-chrome >/dev/null; }

if have_browser; then
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "install-browser: no apt-get here. Install Chromium (or Chrome) yourself." >&2
  exit 1
fi
bash "$(dirname "$0")/apt-install.sh" chromium
have_browser || { echo "install-browser: Chromium is still missing after apt-get" >&2; exit 1; }
