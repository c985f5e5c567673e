#!/usr/bin/env bash
# Builds the Debian package tomocrop_VERSION_amd64.deb from a self-contained `dotnet publish` (no .NET runtime needed
# on the target). Usage: packaging/build-deb.sh [OUTPUT_DIR]   (default: artifacts/deb). Prints the .deb's path.
# Environment: TOMOCROP_PUBLISH_DIR=DIR reuses an existing publish output instead of publishing again.
set -euo pipefail
repo="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
out="$(mkdir -p "${1:-$repo/artifacts/deb}" && cd "${1:-$repo/artifacts/deb}" && pwd)"
version="$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$repo/Directory.Build.props" | head -n1)"
[ -n "$version" ] || { echo "build-deb: no <Version> in Directory.Build.props" >&2; exit 2; }
package=tomocrop
arch=amd64

work="$(mktemp -d "${TMPDIR:-/tmp}/tomocrop-deb.XXXXXX")"
trap 'rm -rf "$work"' EXIT
root="$work/root"
lib="$root/usr/lib/tomocrop"
mkdir -p "$lib" "$root/DEBIAN"

if [ -n "${TOMOCROP_PUBLISH_DIR:-}" ]; then
  cp -a "$TOMOCROP_PUBLISH_DIR/." "$lib/"
else
  # The TorchSharp ELF fix (build/TorchSharpGlibcxx.targets) runs after Publish, on this output; "always" because
  # the build machine's libstdc++ may be newer than the target's. Own bin/obj under artifacts/deb-build: a
  # linux-x64 restore must not rewrite the obj/ of builds and test runs going on in the same checkout.
  dotnet publish "$repo/src/TomoCrop.Cli/TomoCrop.Cli.csproj" -c Release -r linux-x64 --self-contained \
    -p:DebugType=none -p:TorchSharpGlibcxxFix=always --artifacts-path "$repo/artifacts/deb-build" \
    -o "$lib" --nologo -v quiet -clp:ErrorsOnly >&2
fi
rm -f "$lib"/*.pdb
[ -x "$lib/tomocrop" ] || { echo "build-deb: publish produced no $lib/tomocrop" >&2; exit 1; }

# The shipped models beside the executable: ModelCatalog looks in <executable dir>/models first.
install -d -m 0755 "$lib/models"
install -m 0644 "$repo"/models/rotation-default.json "$repo"/models/rotation-default.weights \
  "$repo"/models/rotation-default.optimizer "$lib/models/"
install -m 0644 "$repo"/models/sorting-default.json "$repo"/models/sorting-default.weights "$lib/models/"

install -D -m 0644 "$repo/appsettings.json" "$root/etc/tomocrop/appsettings.json"
install -D -m 0644 "$repo/systemd/tomocrop.service" "$root/lib/systemd/system/tomocrop.service"
install -d -m 0755 "$root/usr/share/doc/$package/examples"
install -m 0644 "$repo"/systemd/tomocrop.service.d/*.conf.example "$root/usr/share/doc/$package/examples/"
install -m 0644 "$repo/packaging/debian/copyright" "$root/usr/share/doc/$package/copyright"
# State (journal, savings records, fine-tuned models) and logs; postinst gives them to the tomocrop user.
install -d -m 0750 "$root/var/lib/tomocrop" "$root/var/lib/tomocrop/models" "$root/var/log/tomocrop"
install -d -m 0755 "$root/usr/bin"
ln -s ../lib/tomocrop/tomocrop "$root/usr/bin/tomocrop"

# Normalise modes: publish output can carry the umask of the build machine.
find "$lib" -type d -exec chmod 0755 {} +
find "$lib" -type f -exec chmod 0644 {} +
chmod 0755 "$lib/tomocrop"
find "$lib" -type f \( -name 'createdump' \) -exec chmod 0755 {} +

installed_kib="$(du -sk --exclude=DEBIAN "$root" | cut -f1)"
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@INSTALLED_SIZE@/$installed_kib/" \
  "$repo/packaging/debian/control.in" > "$root/DEBIAN/control"
install -m 0644 "$repo/packaging/debian/conffiles" "$root/DEBIAN/conffiles"
for script in postinst prerm postrm; do
  install -m 0755 "$repo/packaging/debian/$script" "$root/DEBIAN/$script"
done

deb="$out/${package}_${version}_${arch}.deb"
# xz -6 for releases; tests pass TOMOCROP_DEB_COMPRESSION=zstd TOMOCROP_DEB_LEVEL=1 (same contents, seconds not minutes).
dpkg-deb --root-owner-group -Z"${TOMOCROP_DEB_COMPRESSION:-xz}" -z"${TOMOCROP_DEB_LEVEL:-6}" --build "$root" "$deb" >&2
echo "$deb"
