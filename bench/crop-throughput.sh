#!/usr/bin/env bash
# Crop throughput and memory, per format, against `cp` of the same input in the same run.
#   bench/crop-throughput.sh [MIB] [WORKDIR] [FORMATS...]
# Makes an MIB-MiB float32 volume (random data, so compression cannot flatter anything) in every format,
# then for each: evicts the input from the page cache, times `cp` (+ sync of the copy), evicts again, and
# times `tomocrop crop` of a central box of 60% of the slices x 768 x 768 (~34% of the voxels) (which fsyncs and verifies by read-back).
# Throughput = bytes moved ÷ seconds (cp moves the whole input, the crop moves the box). Peak RSS from
# /usr/bin/time -v. Prints a markdown table.
set -euo pipefail
mib="${1:-2048}"
work="${2:-$(mktemp -d /var/tmp/tomocrop-bench.XXXX)}"
shift 2 2>/dev/null || shift $#
formats="${*:-raw hdf5 tiff tiff-stack}"
source "$(dirname "$0")/lib.sh"
mkdir -p "$work"
build_once

# Shape: Z slices of 1024 x 1024 float32 (4 MiB each).
z=$(( mib / 4 ))
src="$work/source.raw"
if [ ! -f "$src" ]; then
  /usr/bin/python3 - "$src" "$z" <<'PY'
import json, sys, numpy as np
path, z = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(0)
with open(path, "wb") as f:
    for i in range(0, z, 16):
        rng.random((min(16, z - i), 1024, 1024), dtype=np.float32).tofile(f)
json.dump({"shape": [z, 1024, 1024], "dtype": "float32", "byte_order": "little"}, open(path + ".json", "w"))
PY
fi

box_z0=$(( z / 5 )); box_z1=$(( z - z / 5 ))
box="$box_z0:$box_z1,128:896,128:896"
box_bytes=$(( (box_z1 - box_z0) * 768 * 768 * 4 ))
echo "| format | input | cp + sync MB/s | crop MB/s | crop ÷ cp | crop peak RSS |"
echo "|---|---|---|---|---|---|"
for format in $formats; do
  case $format in raw) input="$src";; hdf5) input="$work/source.h5";; tiff) input="$work/source.tif";; tiff-stack) input="$work/source-stack";; esac
  if [ ! -e "$input" ]; then "$tomocrop" crop "$src" --box ":,:,:" --format "$format" -o "$input" >/dev/null; fi
  input_bytes=$(du -sb "$input" | cut -f1)
  rm -rf "$work/copy" "$work/crop"*
  evict "$input"
  read -r cp_s _ < <(seconds_of sh -c "cp -r '$input' '$work/copy' && sync '$work/copy'")
  rm -rf "$work/copy"
  evict "$input"
  ext=""; case $format in raw) ext=.raw;; hdf5) ext=.h5;; tiff) ext=.tif;; esac
  read -r crop_s crop_kb < <(seconds_of "$tomocrop" crop "$input" --box "$box" -o "$work/crop$ext")
  rm -rf "$work/crop"*
  awk -v f="$format" -v ib="$input_bytes" -v bb="$box_bytes" -v cs="$cp_s" -v ks="$crop_s" -v kb="$crop_kb" 'BEGIN {
    cp = ib / 1e6 / cs; cr = bb / 1e6 / ks;
    printf "| %s | %.2f GiB | %.0f | %.0f | %.2f | %.0f MiB |\n", f, ib / 2^30, cp, cr, cr / cp, kb / 1024 }'
done
