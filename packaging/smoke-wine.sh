#!/usr/bin/env bash
# Smoke test of the Windows files of `make dist` under Wine on Xvfb:
#   1. the installer runs silently as a librarian would run it
#      (/S /PORTAL=… /PUBLIC): kabinet.exe, kabinet.json with that portal and
#      «public», the uninstaller and the shortcuts «Личный кабинет» appear;
#   2. the installed kabinet.exe starts against a demo portal (the Linux
#      kabinet-portal), shows the login window (screenshot), a customer logs
#      in with the keyboard and the portal sees the login and the account
#      being fetched; asked to close (WM_CLOSE), the program exits with 0;
#   3. the silent uninstaller removes the program, its shortcuts and the
#      uninstall entry;
#   4. the same for a per-user install (/CURRENTUSER);
#   5. without OpenGL, kabinet.exe shows the Russian explanation in a
#      message box and ends with 1.
# Usage: packaging/smoke-wine.sh [distdir] [outdir]
#
# Wine of Debian 12 (8.0) lacks ProcessPrng in bcryptprimitives.dll, which
# Go ≥ 1.24 programs call for random numbers before main (Windows has it
# since Windows 8). The test prefix gets a 20-line stand-in built from
# packaging/wine/bcryptprimitives.c that calls RtlGenRandom; nothing of it
# ships to users.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dist=${1:-$root/dist}
out=${2:-$(mktemp -d)}
mkdir -p "$out"
VERSION=$(sed -n 's/^[[:space:]]*Version[[:space:]]*=[[:space:]]*"\([^"]*\)".*/\1/p' "$root/FyneApp.toml" | head -n1)
setup=$dist/Kabinet-Setup-$VERSION.exe
for f in "$setup" "$dist/kabinet.exe"; do
	[ -f "$f" ] || { echo "FAIL: $f is missing (make dist)" >&2; exit 1; }
done
for t in wine wineboot wineserver xvfb-run xdotool import x86_64-w64-mingw32-gcc; do
	command -v "$t" >/dev/null || { echo "FAIL: $t is missing (apt-get install wine xvfb xdotool imagemagick gcc-mingw-w64-x86-64)" >&2; exit 1; }
done

tmp=$(mktemp -d)
# The demo portal the installed program is pointed at (built before HOME
# moves: the Go caches live under it).
(cd "$root" && go build -o "$tmp/kabinet-portal" ./cmd/kabinet-portal)
export HOME=$tmp/home WINEPREFIX=$tmp/wine WINEDEBUG=-all WINEDLLOVERRIDES="winemenubuilder.exe=d;mscoree,mshtml="
mkdir -p "$HOME"
port=$((20000 + RANDOM % 20000))

"$tmp/kabinet-portal" -demo -addr "127.0.0.1:$port" -db "$tmp/portal.db" >"$out/portal.log" 2>&1 &
portal=$!
cleanup() {
	kill "$portal" 2>/dev/null || true
	wineserver -k 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
for _ in $(seq 1 100); do
	grep -q "listening" "$out/portal.log" 2>/dev/null && break
	sleep 0.2
done

xvfb-run -a -s "-screen 0 1280x800x24" bash -s "$setup" "$out" "$port" "$root" <<'INNER'
set -euo pipefail
setup=$1 out=$2 port=$3 root=$4
fail() { echo "FAIL: $*"; exit 1; }

wineboot -i >/dev/null 2>&1
wineserver -w
sys32=$WINEPREFIX/drive_c/windows/system32
x86_64-w64-mingw32-gcc -shared -O2 -Wl,--kill-at -o "$sys32/bcryptprimitives.dll" \
	"$root/packaging/wine/bcryptprimitives.c" -ladvapi32

# 1. Silent install as a librarian does it: Wine's user is an administrator,
# so the installer installs for all users (Program Files, common shortcuts,
# HKLM) and the preset beside kabinet.exe applies to everyone.
wine "$setup" /S "/PORTAL=http://127.0.0.1:$port" /PUBLIC || fail "the installer exited with $?"
wineserver -w
dir="$WINEPREFIX/drive_c/Program Files/Kabinet"
key='Software\Microsoft\Windows\CurrentVersion\Uninstall\ru.komiesc.kabinet'
links() { find -L "$WINEPREFIX/drive_c" "$HOME" -name 'Личный кабинет.lnk' 2>/dev/null | sort -u; }
for f in kabinet.exe kabinet.json uninstall.exe; do
	[ -f "$dir/$f" ] || fail "the installer did not write $f into $dir"
done
want="{\"portal\": \"http://127.0.0.1:$port\", \"public\": true}"
got=$(tr -d '\r\n' <"$dir/kabinet.json")
[ "$got" = "$want" ] || fail "kabinet.json is «$got», want «$want»"
[ "$(links | grep -c -e 'Start Menu/Programs/' -e 'Desktop/')" -ge 2 ] || fail "Start menu and desktop shortcuts missing: $(links)"
wine reg query "HKLM\\$key" /v DisplayName >/dev/null 2>&1 || fail "no uninstall entry in HKLM"
run='HKCU\Software\Microsoft\Windows\CurrentVersion\Run'
if wine reg query "$run" /v Kabinet >/dev/null 2>&1; then fail "a silent public install made the program start with Windows"; fi
echo "ok:   silent install for all users: kabinet.exe, kabinet.json ($got), uninstaller, shortcuts, uninstall entry"

# 2. The installed program: login window, keyboard login, clean exit.
wine "$dir/kabinet.exe" >"$out/kabinet-wine.log" 2>&1 &
app=$!
win=
for _ in $(seq 1 120); do
	win=$(xdotool search --name "Личный кабинет" 2>/dev/null | head -1 || true)
	[ -n "$win" ] && break
	kill -0 $app 2>/dev/null || break
	sleep 0.5
done
[ -n "$win" ] || { cat "$out/kabinet-wine.log"; fail "no window of kabinet.exe"; }
sleep 4
import -window root "$out/wine-1-login.png"
xdotool windowfocus --sync "$win" 2>/dev/null || true
xdotool type --delay 40 "100001"
xdotool key Tab
xdotool type --delay 40 "demo12345"
xdotool key Return
for _ in $(seq 1 60); do
	grep -q 'accounts/{account}" status=200' "$out/portal.log" && break
	sleep 0.5
done
grep -q 'msg=login' "$out/portal.log" || { cat "$out/kabinet-wine.log"; fail "the portal saw no login from kabinet.exe"; }
grep -q 'accounts/{account}" status=200' "$out/portal.log" || fail "kabinet.exe did not fetch the account"
sleep 3
import -window root "$out/wine-2-dashboard.png"
echo "ok:   kabinet.exe showed the login window, logged in and fetched the account"
# WM_CLOSE, as the window's close button sends it.
wine taskkill /IM kabinet.exe >/dev/null 2>&1 || true
code=
for _ in $(seq 1 40); do
	if ! kill -0 $app 2>/dev/null; then
		wait $app && code=0 || code=$?
		break
	fi
	sleep 0.5
done
[ "$code" = 0 ] || fail "kabinet.exe did not exit cleanly after WM_CLOSE (code «$code»)"
echo "ok:   kabinet.exe exited with 0 when asked to close"

# The same program is the command line (for scripts and screen readers).
wine "$dir/kabinet.exe" help 2>/dev/null | grep -q "kabinet reading add" || fail "kabinet.exe help printed no command list"
echo "ok:   kabinet.exe help lists the commands"

# 3. Silent uninstall.
uninstall() { # uninstall DIR HIVE
	wine "$1/uninstall.exe" /S || fail "the uninstaller exited with $?"
	# The uninstaller copies itself to a temporary folder and returns at once.
	for _ in $(seq 1 40); do [ -e "$1/kabinet.exe" ] || break; sleep 0.5; done
	wineserver -w
	[ ! -e "$1/kabinet.exe" ] || fail "kabinet.exe is still in $1 after uninstall"
	[ -z "$(links)" ] || fail "shortcuts left after uninstall: $(links)"
	if wine reg query "$2\\$key" >/dev/null 2>&1; then fail "the uninstall entry is left in $2"; fi
}
uninstall "$dir" HKLM
echo "ok:   silent uninstall removed the program, shortcuts and entry"

# 4. A per-user install (what a person without admin rights gets).
wine "$setup" /S /CURRENTUSER || fail "the per-user installer exited with $?"
wineserver -w
user=$(ls "$WINEPREFIX/drive_c/users" | grep -vx Public | head -1)
udir=$WINEPREFIX/drive_c/users/$user/AppData/Local/Programs/Kabinet
[ -f "$udir/kabinet.exe" ] || fail "the per-user install did not write $udir/kabinet.exe"
[ ! -e "$udir/kabinet.json" ] || fail "a per-user install without options wrote kabinet.json"
[ "$(links | wc -l)" -ge 2 ] || fail "per-user shortcuts missing: $(links)"
wine reg query "HKCU\\$key" /v DisplayName >/dev/null 2>&1 || fail "no uninstall entry in HKCU"
# What the ticked «Запускать вместе с Windows» and the app's first desktop
# reminder write; the uninstaller removes both.
toast='HKCU\Software\Classes\AppUserModelId\Kabinet'
wine reg add "$run" /v Kabinet /d "\"C:\\kabinet.exe\"" /f >/dev/null 2>&1
wine reg add "$toast" /v DisplayName /d Kabinet /f >/dev/null 2>&1
uninstall "$udir" HKCU
if wine reg query "$run" /v Kabinet >/dev/null 2>&1; then fail "the uninstaller left the program starting with Windows"; fi
if wine reg query "$toast" >/dev/null 2>&1; then fail "the uninstaller left the notification centre's entry"; fi
echo "ok:   per-user install and uninstall"
INNER

wineserver -k 2>/dev/null || true

# 5. Without OpenGL (Xvfb without GLX: Wine then has no OpenGL at all) the
# program explains in a message box what to do and ends with 1 when the
# box is closed, instead of hanging without a window.
xvfb-run -a -s "-screen 0 1280x800x24 -extension GLX" bash -s "$dist/kabinet.exe" "$out" <<'INNER'
set -euo pipefail
exe=$1 out=$2
fail() { echo "FAIL: $*"; exit 1; }
wine "$exe" -demo >"$out/kabinet-wine-nogl.log" 2>&1 &
app=$!
win=
for _ in $(seq 1 120); do
	win=$(xdotool search --name "^Личный кабинет$" 2>/dev/null | head -1 || true)
	[ -n "$win" ] && break
	kill -0 $app 2>/dev/null || break
	sleep 0.5
done
[ -n "$win" ] || { cat "$out/kabinet-wine-nogl.log"; fail "no message box without OpenGL"; }
sleep 2
import -window root "$out/wine-3-no-opengl.png"
xdotool windowfocus --sync "$win" 2>/dev/null || true
xdotool key Return
code=
for _ in $(seq 1 40); do
	if ! kill -0 $app 2>/dev/null; then
		wait $app && code=0 || code=$?
		break
	fi
	sleep 0.5
done
[ "$code" = 1 ] || fail "without OpenGL kabinet.exe ended with «$code», want 1"
grep -q "OpenGL 2.1" "$out/kabinet-wine-nogl.log" || fail "without OpenGL the explanation is missing from the output"
echo "ok:   without OpenGL kabinet.exe showed the explanation and ended with 1"
INNER
echo "OK: Windows installer and program work under Wine; screenshots in $out"
