#!/usr/bin/env bash
# The daemon end to end (`tomocrop daemon`, default localizer: the rotation model on the CPU), quiet period 5 s,
# rescans every 1 s, at nice 5 like the systemd unit.
#   A) COUNT phantoms of 256³ float32 (HDF5, approximate artefacts, embryo/fish/cells in turn), generated outside the
#      watch directory on the same filesystem, evicted from the page cache, then moved in by one `mv` while the
#      daemon runs: volumes per minute (the `mv` → the last volume published or skipped), latency from the log's "complete ...;
#      queued" to the journal's "published", the daemon's peak RSS (VmHWM), mean storage saved. Once per REPEATS.
#   B) one BIG_N³ float32 volume (812³ = 2.0 GiB; numpy: an ellipsoid specimen of ~25 % of the volume in a holder
#      tube, noise) as raw + sidecar and as HDF5: the daemon's whole job (journal detected → published) ÷
#      `cat FILE > /dev/null`, both cold (evicted with POSIX_FADV_DONTNEED, checked with fincore), the job split by
#      journal stage, and beside it the floor of any durable crop: `dd` of as many bytes as the crop holds, + fsync.
#      REPEATS times per format, one daemon.
#   bench/daemon-throughput.sh [WORKDIR] [PARTS]     env: REPEATS (2), COUNT (20), BIG_N (812), BIG_FORMATS (raw hdf5),
#                                                     DAEMON_SETTINGS (extra KEY=VALUE ..., e.g. Processing:IoParallelism=2)
# Prints markdown tables; the runs' state directories (journal, logs, savings) stay in WORKDIR, the crops do not.
set -euo pipefail
work="${1:-$(mktemp -d /var/tmp/tomocrop-daemon-bench.XXXX)}"
parts="${2:-a b}"
repeats="${REPEATS:-2}"; count="${COUNT:-20}"; big_n="${BIG_N:-812}"; big_formats="${BIG_FORMATS:-raw hdf5}"
source "$(dirname "$0")/lib.sh"
mkdir -p "$work"
build_once

start_daemon() { # start_daemon DIR: watch DIR/recon, publish into DIR/cropped, state in DIR/state; sets $daemon_pid
  run="$1"; mkdir -p "$run/recon" "$run/cropped"
  local extra=() setting
  for setting in ${DAEMON_SETTINGS:-}; do extra+=(--set "$setting"); done
  nice -n 5 "$tomocrop" daemon --watch "$run/recon" --output "$run/cropped" --state "$run/state" --quiet-seconds 5 \
    --set Completion:RescanSeconds=1 "${extra[@]}" >"$run/daemon.out" 2>&1 &
  daemon_pid=$!
  # Resident memory once a second, to tell a plateau from growth (VmHWM alone gives only the peak).
  ( while rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$daemon_pid/status" 2>/dev/null); [ -n "$rss" ]; do
      echo "$(date +%s.%N) $rss"; sleep 1; done ) >"$run/rss.txt" &
  wait_for "start-up" 300 grep -qs "start-up checks passed" "$run/daemon.out"
}

wait_for() { # wait_for WHAT SECONDS COMMAND...: polls COMMAND while the daemon lives
  local what=$1 deadline=$(( SECONDS + $2 )); shift 2
  until "$@"; do
    kill -0 "$daemon_pid" 2>/dev/null || { echo "daemon exited while waiting for $what:" >&2; tail "$run/daemon.out" >&2; exit 1; }
    (( SECONDS < deadline )) || { echo "timed out waiting for $what" >&2; kill -TERM "$daemon_pid"; exit 1; }
    sleep 0.2
  done
}

finished() { # finished N: at least N sources of $run reached a terminal journal stage
  local journal="$run/state/journal/journal.jsonl"
  [ -f "$journal" ] && [ "$(grep -E '"stage":"(published|skipped|quarantined)"' "$journal" | grep -o '"source":"[^"]*"' | sort -u | wc -l)" -ge "$1" ]
}

stop_daemon() { # prints the daemon's peak RSS (VmHWM) in MiB, then stops it as systemd would
  awk '/^VmHWM/ { printf "%.0f\n", $2 / 1024 }' "/proc/$daemon_pid/status"
  kill -TERM "$daemon_pid"; wait "$daemon_pid" || true
}

daemon_pid=""
trap '[ -z "$daemon_pid" ] || kill -TERM "$daemon_pid" 2>/dev/null || true' EXIT   # never leave a daemon behind

load() { cut -d' ' -f1-3 /proc/loadavg; }

part_a() {
  local gen="$work/gen-a" kinds=(embryo fish cells) volumes=() i kind
  mkdir -p "$gen"
  for i in $(seq -w 1 "$count"); do
    kind=${kinds[$(( (10#$i - 1) % 3 ))]}
    volumes+=("$gen/vol-$i-$kind.h5")
    [ -f "${volumes[-1]}" ] || nice -n 10 "$tomocrop" phantom "${volumes[-1]}" --shape 256 --kind "$kind" \
      --seed $(( 100 + 10#$i )) --artefacts approximate >/dev/null
  done
  echo "| run | published / skipped | mv → last finished (s) | volumes / min | complete → published, median / max (s) | per volume: detected → published, median (s) | of which localize / crop + verify / preview + records (median s) | daemon peak RSS (VmHWM) | RSS after the first / last volume | mean saved | load (1 min) before → after |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  for r in $(seq 1 "$repeats"); do
    rm -rf "$work/a-$r"; start_daemon "$work/a-$r"
    local v; for v in "${volumes[@]}"; do evict "$v"; done
    local before; before=$(load)
    local dropped; dropped=$(date +%s.%N)
    mv "${volumes[@]}" "$run/recon/"
    wait_for "$count volumes" 3600 finished "$count"
    local rss; rss=$(stop_daemon)
    mv "$run/recon"/*.h5 "$gen/"
    rm -rf "$run/cropped"
    /usr/bin/python3 - "$run/state" "$dropped" "$rss" "$r" "$before" "$(load)" <<'PY'
import glob, json, re, statistics, sys
from datetime import datetime
state, dropped, rss, r, before, after = sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
t = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
journal = {}
for line in open(f"{state}/journal/journal.jsonl"):
    e = json.loads(line); journal.setdefault(e["source"], {}).setdefault(e["stage"], t(e["time_utc"]))
complete = {}
for name in sorted(glob.glob(f"{state}/logs/*")):
    for line in open(name):
        m = re.match(r"(\S+) \w{3} (.+): complete \(.*\); queued", line)
        if m: complete.setdefault(m.group(2), t(m.group(1)))
published = {s: st["published"] for s, st in journal.items() if "published" in st}
finished = [min(at for stage, at in st.items() if stage in ("published", "skipped", "quarantined")) for st in journal.values()]
skipped = sum("skipped" in st for st in journal.values())
summary = lambda f, values, digits: f"{f(values):.{digits}f}" if values else "—"   # every volume skipped: nothing to time
latency = [published[s] - complete[s] for s in published]
work_s = [published[s] - journal[s]["detected"] for s in published]
stage = lambda a, b: summary(statistics.median, [journal[s][b] - journal[s][a] for s in published], 1)
samples = [tuple(map(float, l.split())) for l in open(f"{state}/../rss.txt") if len(l.split()) == 2]
rss_at = lambda when: f"{next((kb for at, kb in samples if at >= when), samples[-1][1]) / 1024:.0f}"
span = max(finished) - dropped
records = [json.loads(l) for f in glob.glob(f"{state}/savings/savings-*.jsonl") for l in open(f)]
saved = statistics.mean(1 - x["cropped_bytes"] / x["original_bytes"] for x in records)
print(f"| {r} | {len(published)} / {skipped} | {span:.0f} | {len(journal) / span * 60:.1f} | {summary(statistics.median, latency, 0)} / {summary(max, latency, 0)} "
      f"| {summary(statistics.median, work_s, 1)} | {stage('detected', 'localized')} / {stage('localized', 'verified')} / {stage('verified', 'published')} "
      f"| {rss} MiB | {rss_at(min(finished))} / {rss_at(max(finished))} MiB | {saved * 100:.1f} % | {before.split()[0]} → {after.split()[0]} |")
PY
  done
}

part_b() {
  local gen="$work/gen-b-$big_n"
  mkdir -p "$gen"
  [ -f "$gen/big.raw" ] || nice -n 10 /usr/bin/python3 - "$gen/big.raw" "$big_n" <<'PY'
# An ellipsoid specimen with texture (box ~25 % of the volume) inside a holder tube (constant along z), noise on all.
import json, sys, numpy as np
path, n = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(7)
y, x = np.mgrid[0:n, 0:n].astype(np.float32)
r = np.hypot(y - n / 2, x - n / 2)
holder = np.where((r >= 0.40 * n) & (r < 0.44 * n), 0.5, np.where(r < 0.40 * n, 0.12, 0.0)).astype(np.float32)
semi_z, semi_yx, c = 0.35 * n, 0.33 * n, n / 2
with open(path, "wb") as f:
    for z0 in range(0, n, 16):
        z = np.arange(z0, min(z0 + 16, n), dtype=np.float32)[:, None, None]
        inside = ((z - c) / semi_z) ** 2 + ((y - c) / semi_yx) ** 2 + ((x - c) / (0.8 * semi_yx)) ** 2 <= 1
        texture = 0.6 + 0.25 * np.sin(x / 6 + z / 11) * np.cos(y / 4) + 0.1 * np.sin((x + 2 * y) / 3)
        slab = holder + np.where(inside, texture, 0) + rng.standard_normal((len(z), n, n), dtype=np.float32) * 0.05
        slab.astype("<f4").tofile(f)
json.dump({"shape": [n, n, n], "dtype": "float32", "byte_order": "little"}, open(path + ".json", "w"))
PY
  if [[ " $big_formats " == *" hdf5 "* && ! -f "$gen/big.h5" ]]; then
    nice -n 10 /usr/bin/python3 - "$gen/big.raw" "$gen/big.h5.part" "$big_n" <<'PY'
# Contiguous /exchange/data, as many reconstruction pipelines write it.
import sys, h5py, numpy as np
raw, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = np.memmap(raw, dtype="<f4", mode="r", shape=(n, n, n))
with h5py.File(out, "w") as f:
    d = f.create_dataset("/exchange/data", shape=(n, n, n), dtype="<f4")
    for z in range(0, n, 16):
        d[z:z + 16] = data[z:z + 16]
PY
    mv "$gen/big.h5.part" "$gen/big.h5"
  fi
  echo "| format | run | cat (s) | daemon job (s) | job ÷ cat | localize (s) | crop write + fsync (s) | verify read-back (s) | preview + records (s) | savings \"seconds\" | saved | cache before cat / job | dd of the box's bytes + fsync (s) |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  rm -rf "$work/b"; start_daemon "$work/b"
  local done=0 r format ext file name cat_s cached_cat cached_job
  for r in $(seq 1 "$repeats"); do
    for format in $big_formats; do
      case $format in raw) ext=raw;; hdf5) ext=h5;; *) echo "unknown format $format" >&2; exit 2;; esac
      file="$gen/big.$ext"; name="big-$r.$ext"
      evict "$file"; cached_cat=$(resident_bytes "$file")
      read -r cat_s _ < <(seconds_of cat "$file")
      evict "$file"; cached_job=$(resident_bytes "$file")
      [ "$format" = raw ] && mv "$file.json" "$run/recon/$name.json"   # the sidecar first: the data file is then complete
      mv "$file" "$run/recon/$name"
      done=$(( done + 1 ))
      wait_for "$name" 1800 finished "$done"
      mv "$run/recon/$name" "$file"; [ "$format" = raw ] && mv "$run/recon/$name.json" "$file.json"
      # The floor for any crop that writes its box durably: as many bytes as the crop holds, cold read → disk + fsync.
      floor_s=nan   # no crop (skipped): no floor
      if [ -f "$run/cropped/$name" ]; then
        box_bytes=$(stat -c %s "$run/cropped/$name")
        evict "$file"
        read -r floor_s _ < <(seconds_of dd if="$file" of="$work/floor.tmp" bs=16M count="$box_bytes" iflag=count_bytes conv=fsync status=none)
        rm -f "$work/floor.tmp"
      fi
      find "$run/cropped" -mindepth 1 -delete
      /usr/bin/python3 - "$run/state" "$run/recon/$name" "$format" "$r" "$cat_s" "$cached_cat" "$cached_job" "$floor_s" <<'PY'
import glob, json, sys
from datetime import datetime
state, source, fmt, r, cat_s, cached_cat, cached_job, floor_s = sys.argv[1:]
t = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
at = {}
for line in open(f"{state}/journal/journal.jsonl"):
    e = json.loads(line)
    if e["source"] == source: at.setdefault(e["stage"], t(e["time_utc"]))
record = [x for f in glob.glob(f"{state}/savings/savings-*.jsonl") for x in map(json.loads, open(f)) if x["source_path"] == source][-1]
span = lambda a, b: f"{at[b] - at[a]:.1f}" if a in at and b in at else "—"
end = "published" if "published" in at else "skipped"
job = at[end] - at["detected"]
print(f"| {fmt} | {r} | {float(cat_s):.1f} | {job:.1f} | **{job / max(float(cat_s), 0.01):.2f}** | {span('detected', 'localized')} | {span('localized', 'cropped')} "
      f"| {span('cropped', 'verified')} | {span('verified', 'published')} | {record['seconds']:.1f} | {(1 - record['cropped_bytes'] / record['original_bytes']) * 100:.0f} % "
      f"| {int(cached_cat) >> 20} / {int(cached_job) >> 20} MiB | {float(floor_s):.1f} |")
PY
    done
  done
  echo; echo "Daemon peak RSS over part B: $(stop_daemon) MiB; load average at the end: $(load)"
}

for part in $parts; do "part_$part"; echo; done
