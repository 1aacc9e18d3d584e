#!/usr/bin/env bash
# Installs the system packages the project runs and tests against, when they are missing (Debian/Ubuntu, through apt):
# PostgreSQL server binaries, redis-server, and npm (the web client's build takes the SignalR client from npm).
# Extra package names may be given, e.g. chromium for the browser tests. Safe to run again.
set -euo pipefail

missing=()
if ! command -v redis-server >/dev/null 2>&1; then
  missing+=(redis-server)
fi
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then
  missing+=(postgresql)
fi
if ! command -v npm >/dev/null 2>&1; then
  missing+=(npm)
fi
for extra in "$@"; do
  if ! dpkg -s "$extra" >/dev/null 2>&1; then
    missing+=("$extra")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  sudo_cmd=(sudo)
fi
echo "Installing missing packages: ${missing[*]}"
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
