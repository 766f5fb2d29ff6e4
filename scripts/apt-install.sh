#!/usr/bin/env bash
# apt-get install the given Debian/Ubuntu packages, with sudo when not root. Used by
# install-fonts.sh and install-browser.sh once they have found something missing.
set -euo pipefail

sudo=""
if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
$sudo apt-get update -qq
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
