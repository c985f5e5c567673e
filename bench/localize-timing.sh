#!/usr/bin/env bash
# Localization time for 256³ and 512³, uint16 and float32, split into read and inference (rotation model and
# the classical baseline, plus the clustering localizer), each input evicted from the page cache first.
#   bench/localize-timing.sh [WORKDIR]
set -euo pipefail
work="${1:-$(mktemp -d /var/tmp/tomocrop-loc.XXXX)}"
source "$(dirname "$0")/lib.sh"
mkdir -p "$work"
build_once
echo "| volume | method | seconds | read s | inference s | box_zyx |"
echo "|---|---|---|---|---|---|"
for n in 256 512; do
  for dtype in uint16 float32; do
    v="$work/embryo-$n-$dtype.raw"
    [ -f "$v" ] || "$tomocrop" phantom "$v" --shape "$n" --dtype "$dtype" --seed 3 --artefacts approximate >/dev/null
    for method in rotation clustering classical; do
      evict "$v"
      "$tomocrop" localize "$v" --method "$method" --json --no-baseline | /usr/bin/python3 -c "
import json, sys; r = json.load(sys.stdin)
print(f'| {$n}³ $dtype | $method | {r[\"seconds\"]:.1f} | {r[\"read_seconds\"]:.1f} | {r[\"inference_seconds\"]:.1f} | {r[\"box_zyx\"]} |')"
    done
  done
done
