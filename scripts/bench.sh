#!/usr/bin/env bash
# Whole-run benchmarks of gkml against the peers named in issue 9, measured in the same run on
# the same machine (absolute times drift on a shared machine; the ratios are what we report).
#
#   scripts/bench.sh [ROWS...]        default: 10000 100000 1000000
#
# Each figure is the median wall time of GKML_BENCH_RUNS runs (default 3) and the largest
# peak memory among them.
#
# Needs: python3 (the generator in ../shared/bench), hyperfine and /usr/bin/time (Debian),
# and for the peers: qsvlite (cargo install qsv --version 4.0.0 --locked --bin qsvlite
# --features lite), frictionless and xlsxwriter (pip). A missing peer is skipped and said so.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
shared=${GKML_SHARED:-$root/../shared/bench}
work=${GKML_BENCH_DIR:-/tmp/gkml-bench}
rows=("$@"); [ ${#rows[@]} -eq 0 ] && rows=(10000 100000 1000000)
mkdir -p "$work"
cargo build --release --quiet
gkml="$root/target/release/gkml"
qsv=$(command -v qsvlite || echo /tmp/qsv/bin/qsvlite)

runs=${GKML_BENCH_RUNS:-3}
peak() { # median wall seconds and the largest peak RSS (MiB) over $runs runs
  local walls=() mem=0 w m
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" "$@" >/dev/null 2>"$work/time.txt"
    read -r w m < <(tail -1 "$work/time.txt")
    walls+=("$w"); [ "$m" -gt "$mem" ] && mem=$m
  done
  printf '%s\n' "${walls[@]}" | sort -n | awk -v m="$mem" '{a[NR]=$1} END {printf "%.2f s  %.0f MB", a[int((NR+1)/2)], m/1024}'
}

echo "# machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
echo "# gkml $(git rev-parse --short HEAD 2>/dev/null)"
for n in "${rows[@]}"; do
  csv="$work/p$n.csv"
  [ -f "$csv" ] || python3 "$shared/gen_province.py" "$n" "$csv"
  echo
  echo "## $n rows ($(du -m "$csv" | cut -f1) MB)"
  echo "validate  gkml          $(peak "$gkml" validate --format json "$csv")"
  [ -x "$qsv" ] && echo "validate  qsvlite       $(peak "$qsv" validate "$csv" "$shared/qsv-schema.json")" || echo "validate  qsvlite       (not installed)"
  if command -v frictionless >/dev/null && [ "$n" -le 1000000 ]; then
    echo "validate  frictionless  $(peak frictionless validate "$csv" --schema "$shared/frictionless-schema.json" --json --limit-errors 100000000 --trusted)"
  fi
  if [ "$n" -le 100000 ]; then
    rm -rf "$work/out$n"
    echo "compile   gkml (xlsx+html+csv+json) $(peak "$gkml" compile "$csv" -o "$work/out$n" --allow-errors --quiet --date 2026-11-24)"
    echo "compile   gkml (xlsx only)          $(peak "$gkml" compile "$csv" -o "$work/xlsx$n" --only xlsx --allow-errors --quiet --date 2026-11-24)"
    if python3 -c "import xlsxwriter" 2>/dev/null; then
      echo "compile   XlsxWriter (xlsx only)    $(peak python3 "$shared/ref_compile_xlsxwriter.py" "$csv" "$work/peer$n.xlsx")"
    fi
    xlsx="$work/out$n/p$n.xlsx"
    if [ -f "$xlsx" ]; then
      echo "read xlsx gkml validate $(peak "$gkml" validate --format json "$xlsx")"
      echo "read xlsx calamine floor: $(GKML_XLSX="$xlsx" cargo bench --quiet --bench calamine_floor 2>/dev/null | tail -1)"
    fi
  fi
done
