#!/usr/bin/env bash
# Builds the release files into dist/ on Debian/Linux:
#   dist/kabinet.exe                      Windows amd64 GUI program (cgo, MinGW-w64),
#                                         icon and version info embedded
#   dist/Kabinet-Setup-$VERSION.exe       NSIS installer (packaging/windows/kabinet.nsi)
#   dist/kabinet-$VERSION-linux-amd64.tar.xz  Linux program, .desktop file, icon, README
# Needs: go, gcc-mingw-w64-x86-64, nsis, xz-utils (make dist installs them through
# scripts/ensure-deps.sh) and the fyne tool (installed into $HOME/go/bin when missing).
# Signing: with KABINET_SIGN_CERT (PKCS#12 file) and KABINET_SIGN_PASS set, kabinet.exe
# and the installer are signed with osslsigncode (KABINET_SIGN_TIMESTAMP: optional
# RFC 3161 timestamp server URL); otherwise the build says «unsigned build».
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
GO=${GO:-go}
FYNE_TOOLS_VERSION=${FYNE_TOOLS_VERSION:-v1.7.4}
GO_WINRES_VERSION=${GO_WINRES_VERSION:-v0.3.3}
MINGW_CC=${MINGW_CC:-x86_64-w64-mingw32-gcc}

toml() { # toml KEY: the value of KEY in FyneApp.toml's [Details]
	sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*\"\{0,1\}\([^\"]*\)\"\{0,1\}[[:space:]]*$/\1/p" FyneApp.toml | head -n1
}
VERSION=$(toml Version)
BUILD=$(toml Build)
APP_ID=$(toml ID)
ICON=$(toml Icon)
[ -n "$VERSION" ] && [ -n "$APP_ID" ] && [ -f "$ICON" ] || { echo "dist: cannot read Version/ID/Icon from FyneApp.toml" >&2; exit 1; }
BUILD=${BUILD:-1}

dist=$root/dist
work=$dist/_build # "_" keeps it out of `go build ./...`
start=$(date +%s)
step() { printf '\n== %s (%ss)\n' "$*" "$(($(date +%s) - start))"; }

for tool in "$MINGW_CC" makensis xz; do
	command -v "$tool" >/dev/null || { echo "dist: $tool is missing (make dist installs it: scripts/ensure-deps.sh gcc-mingw-w64-x86-64 nsis xz-utils)" >&2; exit 1; }
done

rm -rf "$work" "$dist/kabinet.exe" "$dist/Kabinet-Setup-$VERSION.exe" "$dist/kabinet-$VERSION-linux-amd64.tar.xz"
mkdir -p "$work"

# ---------------------------------------------------------------- Windows
# The main package is built from a copy in dist/_build so that nothing the
# tools generate (FyneApp.toml build bump, .syso, metadata init file) ever
# lands in cmd/kabinet. The copy stays inside the module: it imports kabinet/....
src=$work/kabinet
mkdir -p "$src"
cp cmd/kabinet/*.go "$src/"
find "$src" -name '*_test.go' -delete
cp FyneApp.toml "$src/"
mkdir -p "$src/$(dirname "$ICON")"
cp "$ICON" "$src/$ICON"

wincc=(env CC="$MINGW_CC" CGO_ENABLED=1 GOOS=windows GOARCH=amd64)

fyne_tool() {
	local f
	f=$(command -v fyne || true)
	[ -n "$f" ] || f=$($GO env GOPATH)/bin/fyne
	if [ ! -x "$f" ]; then
		echo "installing fyne.io/tools/cmd/fyne@$FYNE_TOOLS_VERSION" >&2
		$GO install "fyne.io/tools/cmd/fyne@$FYNE_TOOLS_VERSION" >&2 || return 1
	fi
	echo "$f"
}

build_with_fyne() {
	local fyne
	fyne=$(fyne_tool) || return 1
	# --release: -ldflags "-H=windowsgui -s -w", -trimpath, tags release
	# (+ migrated_fynedo from FyneApp.toml); embeds icon, version info, manifest.
	(cd "$src" && "${wincc[@]}" "$fyne" package --target windows --release \
		--name Kabinet --app-id "$APP_ID" --app-version "$VERSION" --app-build "$BUILD" \
		--icon "$ICON") || return 1
	mv "$src/Kabinet.exe" "$dist/kabinet.exe"
}

build_with_winres() {
	# Fallback: resources from packaging/windows/winres.json into a .syso in the copy.
	(cd packaging/windows && $GO run "github.com/tc-hib/go-winres@$GO_WINRES_VERSION" make \
		--in winres.json --out "$src/rsrc" \
		--file-version "$VERSION.$BUILD" --product-version "$VERSION.$BUILD") || return 1
	(cd "$src" && "${wincc[@]}" $GO build -trimpath -tags release,migrated_fynedo \
		-ldflags "-H=windowsgui -s -w" -o "$dist/kabinet.exe" .) || return 1
}

step "kabinet.exe (windows/amd64, cgo, $MINGW_CC)"
if ! build_with_fyne; then
	echo "dist: fyne package failed; falling back to go-winres + go build" >&2
	rm -f "$src"/*.syso "$src"/fyne_metadata_init.go
	build_with_winres
fi

sign() { # sign FILE DESCRIPTION
	if [ -z "${KABINET_SIGN_CERT:-}" ] || [ -z "${KABINET_SIGN_PASS:-}" ]; then
		echo "unsigned build: $(basename "$1") (set KABINET_SIGN_CERT and KABINET_SIGN_PASS to sign)"
		return 0
	fi
	command -v osslsigncode >/dev/null || { echo "dist: osslsigncode is missing (apt-get install osslsigncode)" >&2; exit 1; }
	local ts=()
	[ -z "${KABINET_SIGN_TIMESTAMP:-}" ] || ts=(-ts "$KABINET_SIGN_TIMESTAMP")
	# The password goes through a file, not the command line (ps shows arguments).
	local pf
	pf=$(mktemp)
	printf '%s' "$KABINET_SIGN_PASS" >"$pf"
	osslsigncode sign -pkcs12 "$KABINET_SIGN_CERT" -readpass "$pf" -h sha256 \
		-n "$2" -i "https://www.komiesc.ru" "${ts[@]}" -in "$1" -out "$1.signed" || { rm -f "$pf" "$1.signed"; exit 1; }
	rm -f "$pf"
	mv "$1.signed" "$1"
	osslsigncode verify -in "$1" >/dev/null 2>&1 || echo "note: $(basename "$1") signed; chain not verifiable here (self-signed or untrusted CA)"
	echo "signed: $(basename "$1")"
}
sign "$dist/kabinet.exe" "Личный кабинет"

# ---------------------------------------------------------------- installer
step "Kabinet-Setup-$VERSION.exe (makensis)"
nsis_icon=()
if command -v convert >/dev/null && convert "$ICON" -define icon:auto-resize=256,48,32,16 "$work/kabinet.ico" 2>/dev/null; then
	nsis_icon=(-DICON="$work/kabinet.ico")
fi
makensis -V2 -INPUTCHARSET UTF8 -DVERSION="$VERSION" -DDISTDIR="$dist" "${nsis_icon[@]}" packaging/windows/kabinet.nsi
sign "$dist/Kabinet-Setup-$VERSION.exe" "Установка программы «Личный кабинет»"

# ---------------------------------------------------------------- Linux
step "kabinet-$VERSION-linux-amd64.tar.xz"
pkg=kabinet-$VERSION-linux-amd64
stage=$work/$pkg
mkdir -p "$stage/bin" "$stage/share/applications" "$stage/share/icons/hicolor/256x256/apps"
CGO_ENABLED=1 $GO build -trimpath -tags release,migrated_fynedo -ldflags "-s -w" -o "$stage/bin/kabinet" ./cmd/kabinet
sed "s/@VERSION@/$VERSION/g" packaging/linux/kabinet.desktop >"$stage/share/applications/$APP_ID.desktop"
cp "$ICON" "$stage/share/icons/hicolor/256x256/apps/$APP_ID.png"
sed "s/@VERSION@/$VERSION/g" packaging/linux/README.txt >"$stage/README.txt"
tar -C "$work" --owner=0 --group=0 --numeric-owner -cJf "$dist/$pkg.tar.xz" "$pkg"

rm -rf "$work"
step "done"
ls -l "$dist"
"$root/packaging/check-dist.sh"
