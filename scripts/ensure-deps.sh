#!/usr/bin/env bash
# Installs the Debian packages the desktop app needs to build (a C compiler
# and the X11/OpenGL headers Fyne links against) when they are missing.
# Usage: scripts/ensure-deps.sh [extra-package ...]
set -euo pipefail
packages=(ca-certificates gcc libc6-dev pkg-config libgl1-mesa-dev xorg-dev libxkbcommon-dev "$@")
missing=()
for p in "${packages[@]}"; do
	dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Устанавливаю недостающие пакеты: ${missing[*]}"
if ! command -v apt-get >/dev/null; then
	echo "Нет apt-get: установите вручную ${missing[*]}" >&2
	exit 1
fi
run() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
run apt-get update -q
run env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
