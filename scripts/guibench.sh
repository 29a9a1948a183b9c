#!/usr/bin/env bash
# Start-up time and peak memory of the window against a Fyne hello-world
# window of the same size built the same way (docs/performance.md).
# Needs Xvfb, xdotool, dbus-run-session and gnome-keyring (a session is
# resumed from the OS keyring, as on a home computer).
# Usage: scripts/guibench.sh [runs]
set -euo pipefail
if [ -z "${KABINET_GUIBENCH_INNER:-}" ]; then
	export KABINET_GUIBENCH_INNER=1
	exec xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- "$0" "$@"
fi
runs=${1:-5}
tmp=$(mktemp -d)
go build -o "$tmp/kabinet" ./cmd/kabinet
go build -o "$tmp/kabinet-portal" ./cmd/kabinet-portal
go build -o "$tmp/hello" ./scripts/guibench/hello
export HOME=$tmp/home XDG_CACHE_HOME=$tmp/home/.cache XDG_CONFIG_HOME=$tmp/home/.config LANG=ru_RU.UTF-8
mkdir -p "$XDG_CONFIG_HOME/kabinet"
printf 'bench\n' | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1 || true
gnome-keyring-daemon --start --components=secrets >/dev/null 2>&1 || true

# The portal in its own process, as in real use.
"$tmp/kabinet-portal" -demo -addr 127.0.0.1:18089 -db "$tmp/portal.db" >/dev/null 2>&1 &
portal=$!
trap 'kill $portal 2>/dev/null || true' EXIT
sleep 2
# Log in once from the command line: the token goes to the keyring and the
# account's data to the store, so the window opens on the dashboard.
KABINET_PASSWORD=demo12345 "$tmp/kabinet" login --portal http://127.0.0.1:18089 --customer 300001 >/dev/null
echo '{"portal":"http://127.0.0.1:18089","chosen":true}' >"$XDG_CONFIG_HOME/kabinet/settings.json"

# ms from launch until the window is mapped; kabinet maps it with the
# dashboard already built, so this is the dashboard's first frame.
window_ms() { # name cmd...
	local name=$1; shift
	local start end pid
	start=$(date +%s%N)
	"$@" >/dev/null 2>&1 &
	pid=$!
	until xdotool search --onlyvisible --name "$name" >/dev/null 2>&1; do sleep 0.01; done
	end=$(date +%s%N)
	kill $pid; wait $pid 2>/dev/null || true
	echo $(( (end - start) / 1000000 ))
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

hello=$(for _ in $(seq "$runs"); do window_ms "Hello" "$tmp/hello"; done | median)
kab=$(for _ in $(seq "$runs"); do window_ms "Личный кабинет" "$tmp/kabinet"; done | median)
echo "first frame (median of $runs): hello ${hello} ms, kabinet dashboard (session resumed, store checked) ${kab} ms"

# Peak memory: hello after 3 s; kabinet on the dashboard, then invoices,
# reading entry and statement.
"$tmp/hello" >/dev/null 2>&1 &
pid=$!; sleep 3
hello_kb=$(awk '/VmHWM/ {print $2}' /proc/$pid/status); kill $pid
"$tmp/kabinet" >/dev/null 2>&1 &
pid=$!
until xdotool search --onlyvisible --name "Личный кабинет" >/dev/null 2>&1; do sleep 0.05; done
sleep 3
for y in 270 433 473; do xdotool mousemove 140 $y click 1; sleep 1; done
kab_kb=$(awk '/VmHWM/ {print $2}' /proc/$pid/status); kill $pid
echo "peak memory (VmHWM): hello $((hello_kb / 1024)) MiB, kabinet (dashboard, invoices, reading, statement) $((kab_kb / 1024)) MiB"
