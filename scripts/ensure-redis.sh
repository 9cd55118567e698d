#!/usr/bin/env bash
# The Redis stress tests start their own redis-server on a free loopback port: install the Debian
# package when it is missing (quietly; refresh the package lists only if the first try fails).
set -euo pipefail
command -v redis-server >/dev/null 2>&1 && exit 0
export DEBIAN_FRONTEND=noninteractive
sudo=""
if [[ $(id -u) -ne 0 ]]; then
    sudo="sudo"
fi
apt_install() { $sudo apt-get install -y -qq --no-install-recommends redis-server >/dev/null 2>&1; }
if ! apt_install; then
    $sudo apt-get update -qq >/dev/null 2>&1 || true
    apt_install || { echo "error: cannot install redis-server (apt-get install redis-server)" >&2; exit 1; }
fi
command -v redis-server >/dev/null || { echo "error: redis-server missing after install" >&2; exit 1; }
