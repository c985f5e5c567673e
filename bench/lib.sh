# Helpers shared by the bench/ scripts; source it after `set -euo pipefail` and after setting $work (scratch dir).
bench_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tomocrop="$bench_root/tomocrop"

build_once() { # build the launcher outside the timings
  "$tomocrop" --help >/dev/null
  "$tomocrop" --help >/dev/null   # twice: the launcher's staleness check sees the obj/ files restore wrote during that build
}

evict() { # drop a file's (or a directory's files') pages from the page cache: POSIX_FADV_DONTNEED
  # fsync first: DONTNEED skips dirty pages, and a source just written may not be synced yet.
  if [ -d "$1" ]; then find "$1" -type f -exec sync {} +; find "$1" -type f -exec dd if={} iflag=nocache count=0 status=none \; ; else sync "$1"; dd if="$1" iflag=nocache count=0 status=none; fi
}

resident_bytes() { # bytes of a file now in the page cache (checks that evict worked)
  fincore --bytes --noheadings --output RES "$1" | tr -d ' '
}

seconds_of() { # "elapsed-seconds peak-RSS-KiB" of a command, its stdout discarded
  /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >/dev/null; cat "$work/time.txt"
}
