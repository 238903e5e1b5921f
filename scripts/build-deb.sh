#!/usr/bin/env bash
# Builds lifeboat_<version>_<arch>.deb from an already built `lifeboat` (no second compile):
#   scripts/build-deb.sh BINARY OUTPUT_DIR
# BINARY is the production target (build/src/cli/lifeboat, never lifeboat_testbin); it is
# stripped on the way in. The version is the binary's own (`lifeboat --version`, from
# CMakeLists.txt's project version), the architecture dpkg's. The staging tree is built
# with dpkg-deb --root-owner-group, so no fakeroot is needed. Prints the package's path.
# What goes where: README.md, "Installing the Debian package"; packaging/debian/ holds the
# control file, conffiles, copyright, changelog, lintian overrides and help2man's extras.
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 BINARY OUTPUT_DIR   (e.g. $0 build/src/cli/lifeboat build)" >&2
  exit 2
fi
binary=$1
out_dir=$2
src=$(cd "$(dirname "$0")/.." && pwd)
pkg="$src/packaging"

if [ ! -x "$binary" ]; then
  echo "build-deb: $binary is not an executable; build it first (cmake --build --preset default --target lifeboat)" >&2
  exit 2
fi
case "$(basename "$binary")" in
  lifeboat) ;;
  *) echo "build-deb: $binary is not the production 'lifeboat' binary" >&2; exit 2 ;;
esac
for tool in dpkg-deb dpkg-shlibdeps help2man strip gzip; do
  if ! command -v "$tool" >/dev/null; then
    echo "build-deb: $tool is missing; run scripts/install-deps.sh" >&2
    exit 2
  fi
done

version=$("$binary" --version)
if ! [[ $version =~ ^[0-9][0-9A-Za-z.+~-]*$ ]]; then
  echo "build-deb: '$binary --version' printed '$version', not a Debian version" >&2
  exit 2
fi
arch=$(dpkg --print-architecture)
maintainer=${LIFEBOAT_DEB_MAINTAINER:-"Lifeboat maintainers <lifeboat@example.com>"}
# Dates (the changelog's, and the mtimes dpkg-deb clamps to SOURCE_DATE_EPOCH): the
# source's last commit, so that rebuilding one commit gives the same package.
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
  SOURCE_DATE_EPOCH=$(git -C "$src" log -1 --format=%ct 2>/dev/null || date +%s)
fi
export SOURCE_DATE_EPOCH
date_rfc2822=$(date -R -u -d "@$SOURCE_DATE_EPOCH")

work=$(mktemp -d "${TMPDIR:-/tmp}/lifeboat-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT
root="$work/root"
umask 022

install -d "$root/usr/bin" "$root/lib/systemd/system" "$root/etc/lifeboat" \
  "$root/usr/share/lifeboat" "$root/usr/share/man/man1" "$root/usr/share/doc/lifeboat" \
  "$root/usr/share/lintian/overrides" "$root/DEBIAN"

# The binary, stripped as dh_strip does.
install -m 0755 "$binary" "$root/usr/bin/lifeboat"
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$root/usr/bin/lifeboat"

install -m 0644 "$pkg/lifeboat.service" "$root/lib/systemd/system/lifeboat.service"
install -m 0644 "$pkg/lifeboat.toml.example" "$root/etc/lifeboat/lifeboat.toml"
install -m 0644 "$src/workflows/recovery.asl.json" "$root/usr/share/lifeboat/recovery.asl.json"
install -m 0644 "$pkg/debian/copyright" "$root/usr/share/doc/lifeboat/copyright"
install -m 0644 "$pkg/debian/lintian-overrides" "$root/usr/share/lintian/overrides/lifeboat"

# A native package (no upstream tarball): changelog.gz, not changelog.Debian.gz.
sed -e "s/@VERSION@/$version/g" -e "s/@MAINTAINER@/$maintainer/" -e "s/@DATE@/$date_rfc2822/" \
  "$pkg/debian/changelog.in" | gzip -9n >"$root/usr/share/doc/lifeboat/changelog.gz"
chmod 0644 "$root/usr/share/doc/lifeboat/changelog.gz"

# The man page, from the installed binary's --help and --version.
help2man --no-info --section=1 --include="$pkg/debian/lifeboat.h2m" \
  --name="recover home directories of recreated workspace profiles" \
  "$root/usr/bin/lifeboat" | gzip -9n >"$root/usr/share/man/man1/lifeboat.1.gz"
chmod 0644 "$root/usr/share/man/man1/lifeboat.1.gz"

# Depends from the shared libraries the binary links (dpkg-shlibdeps wants a debian/control).
mkdir -p "$work/shlibs/debian"
printf 'Source: lifeboat\n\nPackage: lifeboat\nArchitecture: any\n' >"$work/shlibs/debian/control"
depends=$(cd "$work/shlibs" && dpkg-shlibdeps -O -e"$root/usr/bin/lifeboat" 2>/dev/null |
  sed -n 's/^shlibs:Depends=//p')
if [ -z "$depends" ]; then
  echo "build-deb: dpkg-shlibdeps found no dependencies for $binary" >&2
  exit 1
fi

installed_size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@INSTALLED_SIZE@/$installed_size/" \
  -e "s/@DEPENDS@/$depends/" -e "s/^Maintainer: .*/Maintainer: $maintainer/" \
  "$pkg/debian/control.in" >"$root/DEBIAN/control"
install -m 0644 "$pkg/debian/conffiles" "$root/DEBIAN/conffiles"
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -print | sed 's|^\./||' | LC_ALL=C sort |
  xargs md5sum) >"$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/md5sums"

mkdir -p "$out_dir"
deb="$out_dir/lifeboat_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
