#!/usr/bin/env bash
# Installs what the tests and the demo need on a fresh Debian machine with the .NET SDK. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/../.."

# Debian packages: the broker and its clients, the scale-out database, the browser for the web-page test, curl
# for the documented procedures (tools/procedures), pyserial (its RFC 2217 client checks the simulated board's
# serial server), nats-server (the clustered MQTT broker of docs/scaling.md).
# `setup.sh --demo` installs only what the demo needs (the broker, npm for the page's uPlot).
apt_packages=(mosquitto mosquitto-clients postgresql chromium openssl curl python3-serial nats-server)
[ "${1:-}" = "--demo" ] && apt_packages=(mosquitto openssl)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm installs the pinned npm packages below; Debian's package only where no npm is installed (e.g. from Node's own).
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The Debian packages start their services on install; the project starts its own instances.
for service in mosquitto nats-server; do
  systemctl disable --now "$service" >/dev/null 2>&1 || service "$service" stop >/dev/null 2>&1 || true
done

# npm packages, each folder pinned by its lock file: the fleet page's uPlot (tools/receiver/page-packages, which the
# receiver's build copies into its output, so it is installed before any build) and, for the tests, the cross-check
# packages (esptool-js). The demo needs only the page's.
install_npm() {
  if [ ! -d "$1/node_modules" ] || [ "$1/package-lock.json" -nt "$1/node_modules" ]; then
    (cd "$1" && npm ci --no-audit --no-fund --loglevel=error && touch node_modules)
  fi
}
if [ "${1:-}" = "--demo" ]; then
  install_npm tools/receiver/page-packages
  exit 0
fi
for dir in $(find tools hil-tests -name package-lock.json -not -path "*/node_modules/*" -printf '%h\n'); do
  install_npm "$dir"
done
