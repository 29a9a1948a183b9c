#!/usr/bin/env bash
# Start-up time and peak memory of the window, against a Fyne hello-world
# window built the same way (docs/performance.md). Needs Xvfb and xdotool.
# Usage: scripts/guibench.sh [runs]
set -euo pipefail
runs=${1:-5}
tmp=$(mktemp -d)
go build -o "$tmp/kabinet" ./cmd/kabinet
go build -o "$tmp/hello" ./scripts/guibench/hello
export HOME=$tmp/home XDG_CACHE_HOME=$tmp/home/.cache XDG_CONFIG_HOME=$tmp/home/.config LANG=ru_RU.UTF-8
mkdir -p "$HOME"
Xvfb :77 -screen 0 1280x800x24 >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null || true' EXIT
export DISPLAY=:77
sleep 1

# ms from launch until a window with the title exists and is mapped.
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

# Warm the demo store once (first start builds the demo portal's database).
window_ms "Личный кабинет" "$tmp/kabinet" -demo >/dev/null
hello=$(for _ in $(seq "$runs"); do window_ms "Hello" "$tmp/hello"; done | median)
kab=$(for _ in $(seq "$runs"); do window_ms "Личный кабинет" "$tmp/kabinet" -demo; done | median)
# Without the demo portal: a home computer's settings and its store (checked
# in a child process), as a customer starts the program.
mkdir -p "$XDG_CONFIG_HOME/kabinet"
echo '{"portal":"http://127.0.0.1:9","chosen":true}' >"$XDG_CONFIG_HOME/kabinet/settings.json"
home=$(for _ in $(seq "$runs"); do window_ms "Личный кабинет" "$tmp/kabinet"; done | median)
echo "window shown (median of $runs): hello ${hello} ms, kabinet ${home} ms, kabinet -demo ${kab} ms"

# Peak memory: hello after 3 s; kabinet logged in as 100001 on the dashboard.
"$tmp/hello" >/dev/null 2>&1 &
pid=$!; sleep 3
hello_kb=$(awk '/VmHWM/ {print $2}' /proc/$pid/status); kill $pid
"$tmp/kabinet" -demo >/dev/null 2>&1 &
pid=$!
until win=$(xdotool search --onlyvisible --name "Личный кабинет" 2>/dev/null | head -1) && [ -n "$win" ]; do sleep 0.05; done
sleep 1
xdotool type --delay 20 100001; xdotool key Tab; xdotool type --delay 20 demo12345; xdotool key Return
sleep 4
for id in 270 433 473; do xdotool mousemove 140 $id click 1; sleep 1; done   # invoices, reading, statement
kab_kb=$(awk '/VmHWM/ {print $2}' /proc/$pid/status); kill $pid
echo "peak memory (VmHWM): hello $((hello_kb / 1024)) MiB, kabinet (dashboard, invoices, reading, statement) $((kab_kb / 1024)) MiB"
