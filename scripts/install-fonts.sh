#!/usr/bin/env bash
# Noto Sans CJK SC, the font matplotlib measures the Chinese plot labels with (the browser draws them;
# see plot_fonts in page_results/_page_tools.py) and the browser tests render Chinese with.
# Debian/Ubuntu: installs fonts-noto-cjk with apt-get when it is missing. Elsewhere it says what to
# install and carries on: `mkdocs serve` then warns about the Chinese plots, a strict build fails.
set -euo pipefail

have_cjk_font() {
  if command -v fc-list >/dev/null; then
    fc-list ":family=Noto Sans CJK SC" | grep -q .
  else  # no fontconfig tools: ask the package manager
    dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q "ok installed"
  fi
}

if have_cjk_font; then
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "install-fonts: no apt-get here. Install the font Noto Sans CJK SC yourself (the Chinese plots need it)." >&2
  exit 0
fi
bash "$(dirname "$0")/apt-install.sh" fonts-noto-cjk
have_cjk_font || { echo "install-fonts: Noto Sans CJK SC is still missing after apt-get" >&2; exit 1; }
