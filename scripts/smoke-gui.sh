#!/usr/bin/env bash
# Smoke test of the real window: starts `kabinet -demo` on Xvfb, logs in
# with the keyboard as the demo customer 100001, pays the debt online on
# the local provider's page, opens «Ввод показаний», sends a reading and
# takes screenshots. Needs xvfb-run, xdotool, ImageMagick's import, zbarimg
# and curl. Usage: scripts/smoke-gui.sh [OUTDIR]
set -euo pipefail
out=${1:-$(mktemp -d)}
mkdir -p "$out"
bin=$(mktemp -d)/kabinet
# Built as `make dist` builds the Linux release (and so from its cache).
go build -trimpath -tags release,migrated_fynedo -ldflags "-s -w" -o "$bin" ./cmd/kabinet
home=$(mktemp -d)
export HOME=$home XDG_CACHE_HOME=$home/.cache XDG_CONFIG_HOME=$home/.config LANG=ru_RU.UTF-8

xvfb-run -a -s "-screen 0 1280x800x24" bash -s "$bin" "$out" <<'INNER'
set -euo pipefail
bin=$1 out=$2
"$bin" -demo >"$out/kabinet.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
	win=$(xdotool search --name "Личный кабинет" 2>/dev/null | head -1 || true)
	[ -n "$win" ] && break
	sleep 0.5
done
[ -n "${win:-}" ] || { echo "FAIL: no window"; cat "$out/kabinet.log"; exit 1; }
xdotool windowmove "$win" 0 0 windowsize "$win" 1280 800
sleep 2
import -window root "$out/1-login.png"
# The customer field has the focus at start.
xdotool type --delay 30 "100001"
xdotool key Tab
xdotool type --delay 30 "demo12345"
xdotool key Return
# Wait for the account's data to reach the store.
store=$HOME/.cache/kabinet/demo-store.db
for _ in $(seq 1 60); do
	grep -q "1100012345" "$store" 2>/dev/null && break
	sleep 0.5
done
grep -q "1100012345" "$store" || { echo "FAIL: no account data after login"; cat "$out/kabinet.log"; exit 1; }
sleep 2
import -window root "$out/2-dashboard.png"
kill -0 $pid || { echo "FAIL: the app died"; cat "$out/kabinet.log"; exit 1; }
# Pay the debt: «Оплатить» on the account card, the sum due is filled in,
# Enter is «Перейти к оплате»; the window shows the payment page's QR code.
xdotool mousemove 526 390 click 1
sleep 2
import -window root "$out/2a-pay.png"
xdotool key Return
page=
for _ in $(seq 1 20); do
	sleep 0.5
	import -window root "$out/2b-pay-qr.png"
	page=$(zbarimg --quiet --raw "$out/2b-pay-qr.png" 2>/dev/null | grep -m1 '/checkout/' || true)
	[ -n "$page" ] && break
done
[ -n "$page" ] || { echo "FAIL: no payment page code on the screen"; cat "$out/kabinet.log"; exit 1; }
# The payer presses «Оплатить» on that page (its form, as a browser sends
# it; internal/browsertest presses the button itself).
curl -fsS -o /dev/null -X POST -d action=pay "$page"
for _ in $(seq 1 40); do
	grep -q "Онлайн: карта или СБП" "$store" 2>/dev/null && break
	sleep 0.5
done
sleep 1
import -window root "$out/2c-paid.png"
grep -q "Онлайн: карта или СБП" "$store" || { echo "FAIL: the payment did not reach the account"; cat "$out/kabinet.log"; exit 1; }
# Back to «Главная»: the debt is gone.
xdotool mousemove 140 68 click 1
sleep 2
import -window root "$out/2d-paid-home.png"
# «Передать показания» on the dashboard's account card.
xdotool mousemove 385 390 click 1
sleep 2
import -window root "$out/3-reading.png"
# The field has the focus: a value above the demo's last one (25 306,4),
# Enter to the review, Space on «Передать показания».
xdotool type --delay 30 "25400"
sleep 1
xdotool key Return
sleep 1
import -window root "$out/4-review.png"
xdotool key space
for _ in $(seq 1 40); do
	grep -q "Показания приняты" "$store" 2>/dev/null && break
	sleep 0.5
done
sleep 1
import -window root "$out/5-sent.png"
grep -q "Показания приняты" "$store" || { echo "FAIL: the reading was not accepted"; cat "$out/kabinet.log"; exit 1; }
kill -0 $pid || { echo "FAIL: the app died"; cat "$out/kabinet.log"; exit 1; }
echo "OK: window shown, logged in, debt paid online, reading sent and accepted; screenshots in $out"
INNER

# Without OpenGL (Xvfb without GLX, like an old library PC) the program
# explains in Russian what to do and exits, instead of hanging.
set +e
nogl=$(timeout 60 xvfb-run -a -s "-screen 0 1280x800x24 -extension GLX" "$bin" -demo 2>&1)
code=$?
set -e
if [ $code -ne 1 ] || ! grep -q "OpenGL 2.1" <<<"$nogl"; then
	echo "FAIL: without OpenGL the program exited with $code and said:"
	echo "$nogl"
	exit 1
fi
echo "OK: without OpenGL the program explains what to do"
