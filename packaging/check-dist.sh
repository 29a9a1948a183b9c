#!/usr/bin/env bash
# Checks the files of `make dist` without Windows: PE types, version info and
# icon resources, installer type, and the Linux archive's contents.
# Usage: packaging/check-dist.sh [distdir]   (exit 1 with the reasons on failure)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dist=${1:-$root/dist}
VERSION=$(sed -n 's/^[[:space:]]*Version[[:space:]]*=[[:space:]]*"\([^"]*\)".*/\1/p' "$root/FyneApp.toml" | head -n1)
OBJDUMP=${OBJDUMP:-x86_64-w64-mingw32-objdump}
fail=0
bad() { echo "FAIL: $*" >&2; fail=1; }
ok() { echo "ok:   $*"; }
for t in file xz tar strings "$OBJDUMP"; do
	command -v "$t" >/dev/null || { echo "FAIL: $t is missing (apt-get install file xz-utils binutils gcc-mingw-w64-x86-64)" >&2; exit 1; }
done

exe=$dist/kabinet.exe
if [ ! -f "$exe" ]; then
	bad "$exe is missing"
else
	ft=$(file -b "$exe")
	if [[ $ft == "PE32+ executable (GUI) x86-64"* ]]; then ok "kabinet.exe: $ft"; else bad "kabinet.exe is not a PE32+ GUI x86-64 program: $ft"; fi
	pe=$("$OBJDUMP" -p "$exe" 2>/dev/null || true)
	grep -q "Subsystem.*Windows GUI" <<<"$pe" && ok "kabinet.exe: subsystem Windows GUI" || bad "kabinet.exe: subsystem is not Windows GUI (-H=windowsgui missing)"
	# Resource directory type IDs: 3 = RT_ICON, 14 = RT_GROUP_ICON, 16 = RT_VERSION.
	rsrc=$(sed -n '/The .rsrc Resource Directory section/,$p' <<<"$pe")
	[ -n "$rsrc" ] || bad "kabinet.exe has no .rsrc resource section"
	for id in 000003:RT_ICON 00000e:RT_GROUP_ICON 000010:RT_VERSION; do
		grep -q "Entry: ID: 0x${id%%:*}," <<<"$rsrc" && ok "kabinet.exe: ${id#*:} resource" || bad "kabinet.exe: no ${id#*:} resource"
	done
	u16=$(strings -el "$exe")
	grep -qx "VS_VERSION_INFO" <<<"$u16" || bad "kabinet.exe: no VS_VERSION_INFO block"
	grep -qi "^kabinet$" <<<"$u16" && ok "kabinet.exe: version info names Kabinet" || bad "kabinet.exe: version info lacks «Kabinet»"
	grep -q "^$VERSION" <<<"$u16" && ok "kabinet.exe: version info says $VERSION ($(grep -m1 "^$VERSION" <<<"$u16"))" || bad "kabinet.exe: version info lacks «$VERSION»"
	# A signed PE has a non-empty Security (certificate table) directory.
	if grep -Eq "Entry 4 [0-9a-f]+ 0*[1-9a-f][0-9a-f]* Security Directory" <<<"$pe"; then ok "kabinet.exe: Authenticode signature present"; else echo "note: kabinet.exe is unsigned"; fi
fi

setup=$dist/Kabinet-Setup-$VERSION.exe
if [ ! -f "$setup" ]; then
	bad "$setup is missing"
else
	ft=$(file -b "$setup")
	if [[ $ft == "PE32+ executable (GUI) x86-64"* ]]; then ok "$(basename "$setup"): $ft"; else bad "$(basename "$setup") is not a 64-bit PE32+ GUI program: $ft"; fi
	grep -q "Nullsoft" <<<"$ft" || grep -qa "Nullsoft" "$setup" || bad "$(basename "$setup") does not look like an NSIS installer"
	grep -qx "$VERSION" <<<"$(strings -el "$setup")" && ok "$(basename "$setup"): version info $VERSION" || bad "$(basename "$setup"): version info lacks $VERSION"
fi

tarball=$dist/kabinet-$VERSION-linux-amd64.tar.xz
if [ ! -f "$tarball" ]; then
	bad "$tarball is missing"
else
	list=$(tar -tJf "$tarball") || bad "$tarball is not a valid tar.xz"
	for want in bin/kabinet share/applications/ru.komiesc.kabinet.desktop share/icons/hicolor/256x256/apps/ru.komiesc.kabinet.png README.txt; do
		grep -q "/$want\$" <<<"$list" && ok "tar: $want" || bad "$(basename "$tarball") lacks $want"
	done
	desktop=$(tar -xJOf "$tarball" --wildcards '*/ru.komiesc.kabinet.desktop' 2>/dev/null || true)
	for line in "Name=Личный кабинет" "Exec=kabinet" "Icon=ru.komiesc.kabinet" "Categories=Office;Finance;"; do
		grep -qx "$line" <<<"$desktop" || bad ".desktop lacks «$line»"
	done
	if command -v desktop-file-validate >/dev/null; then
		tmp=$(mktemp --suffix=.desktop); printf '%s\n' "$desktop" >"$tmp"
		desktop-file-validate "$tmp" && ok ".desktop validates" || bad ".desktop does not validate"
		rm -f "$tmp"
	fi
	bin=$(mktemp); tar -xJOf "$tarball" --wildcards '*/bin/kabinet' >"$bin"
	ft=$(file -b "$bin"); rm -f "$bin"
	[[ $ft == "ELF 64-bit"*"x86-64"* ]] && ok "tar: bin/kabinet is $(cut -d, -f1-2 <<<"$ft")" || bad "tar: bin/kabinet is not an x86-64 ELF: $ft"
fi

if [ "$fail" -ne 0 ]; then echo "check-dist: FAILED" >&2; exit 1; fi
echo "check-dist: all checks passed"
