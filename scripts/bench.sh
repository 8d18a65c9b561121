#!/usr/bin/env bash
# Whole-run benchmarks of gkml against the peers issue 18 names, measured in the same run on
# the same machine: absolute times drift on a shared machine, so the runs of gkml and of its
# peers are interleaved (one of each per round: the peers, then gkml and the baseline in turn
# first) and the ratios of their medians are reported.
#
#   scripts/bench.sh [ROWS...]        default: 200000 1000000 (validate), compile at 100000
#
# GKML_BENCH_RUNS rounds (default 5); each figure is the median wall time over the rounds and
# the largest peak memory (max RSS). GKML_BASELINE=/path/to/an/older/gkml is run in the same
# rounds too, for a before/after of a change measured under the same load. GKML_BENCH_COMPILE_ROWS (default 100000; empty: skip)
# sets the compile comparison. GKML_BENCH_SKIP names peers to leave out (qsv, frictionless,
# xlsxwriter).
#
# Needs: python3 (the generator in ../shared/bench), /usr/bin/time (Debian), and for the
# peers: qsvlite 4.0.0 (cargo install qsv --version 4.0.0 --locked --bin qsvlite --features
# lite), frictionless and xlsxwriter (pip). A missing peer is skipped and said so.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
shared=${GKML_SHARED:-$root/../shared/bench}
work=${GKML_BENCH_DIR:-/tmp/gkml-bench}
rows=("$@"); [ ${#rows[@]} -eq 0 ] && rows=(200000 1000000)
compile_rows=${GKML_BENCH_COMPILE_ROWS-100000}
runs=${GKML_BENCH_RUNS:-5}
mkdir -p "$work"
cargo build --release --quiet || exit 1
gkml="${CARGO_TARGET_DIR:-$root/target}/release/gkml"
qsv=$(command -v qsvlite || echo /tmp/qsv/bin/qsvlite)
[ -x "$qsv" ] || qsv=""
base=${GKML_BASELINE:-}
# GKML_BENCH_SKIP="frictionless xlsxwriter" leaves peers out (a rerun of one comparison).
skip=" ${GKML_BENCH_SKIP:-} "
[[ $skip == *" qsv "* ]] && qsv=""
command -v frictionless >/dev/null || frictionless=""
frictionless=${frictionless-frictionless}
xlsxwriter=python3
python3 -c "import xlsxwriter" 2>/dev/null || xlsxwriter=""

[[ " ${GKML_BENCH_SKIP:-} " == *" frictionless "* ]] && frictionless=""
[[ " ${GKML_BENCH_SKIP:-} " == *" xlsxwriter "* ]] && xlsxwriter=""

# One timed run: appends "wall rss_kib" to the file named by $1. The wall is bash's clock
# around the run (microseconds; /usr/bin/time's %e has 10 ms steps, 5% of a 0.2 s run), the
# peak memory /usr/bin/time's.
timed() {
  local out=$1; shift
  local t0=$EPOCHREALTIME
  /usr/bin/time -f "%M" -o "$work/time.txt" "$@" >/dev/null 2>&1
  local t1=$EPOCHREALTIME
  echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}') $(tail -1 "$work/time.txt")" >>"$out"
}
# Median wall seconds and largest peak (MiB) of a file of "wall rss" lines.
summary() {
  sort -n "$1" | awk '{w[NR]=$1; if ($2>m) m=$2} END {printf "%.3f s  %3.0f MB", w[int((NR+1)/2)], m/1024}'
}
median() { sort -n "$1" | awk '{w[NR]=$1} END {print w[int((NR+1)/2)]}'; }
ratio() { awk -v a="$(median "$1")" -v b="$(median "$2")" 'BEGIN {if (a>0) printf "%.2f×", b/a; else print "—"}'; }

# One round: `$2 TOOL` for each tool named after it, the peers first, then gkml and the
# baseline, whose places swap from one round to the next. On this virtual machine the run
# right after a peer that freed a few hundred MB was up to 10% slower (the memory coming back
# from the host); in the fixed order of earlier rounds that run was always gkml's, and the
# baseline, after it, never paid. Now each pays it in every other round.
alternating() {
  local round=$1 run=$2; shift 2
  local t
  for t in "$@"; do
    case $t in gkml | base) ;; *) "$run" "$t" ;; esac
  done
  if ((round % 2)); then
    "$run" gkml
    [ -n "$base" ] && "$run" base
  else
    [ -n "$base" ] && "$run" base
    "$run" gkml
  fi
}

input() {
  local csv="$work/p$1.csv"
  [ -f "$csv" ] || python3 "$shared/gen_province.py" "$1" "$csv"
  echo "$csv"
}

echo "# machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# gkml $(git rev-parse --short HEAD 2>/dev/null), $runs interleaved rounds (gkml and baseline alternating after the peers), medians"
v_qsv="(not measured)"; v_fl="(not measured)"; v_xw="(not measured)"
[ -n "$qsv" ] && v_qsv=$("$qsv" --version | head -1 | awk '{print $2}' | cut -d- -f1)
[ -n "$frictionless" ] && v_fl=$(pip show frictionless 2>/dev/null | sed -n 's/^Version: //p')
[ -n "$xlsxwriter" ] && v_xw=$(python3 -c 'import xlsxwriter; print(xlsxwriter.__version__)')
echo "# peers: qsvlite $v_qsv; frictionless $v_fl; XlsxWriter $v_xw"

for n in "${rows[@]}"; do
  csv=$(input "$n")
  rm -f "$work"/v-*.txt
  validate_with() {
    case $1 in
      gkml) timed "$work/v-gkml.txt" "$gkml" validate --format json "$csv" ;;
      base) timed "$work/v-base.txt" "$base" validate --format json "$csv" ;;
      qsv) timed "$work/v-qsv.txt" "$qsv" validate "$csv" "$shared/qsv-schema.json" ;;
      fl) timed "$work/v-fl.txt" frictionless validate "$csv" \
        --schema "$shared/frictionless-schema.json" --json --limit-errors 100000000 --trusted ;;
    esac
  }
  tools=(gkml)
  [ -n "$base" ] && tools+=(base)
  [ -n "$qsv" ] && tools+=(qsv)
  [ -n "$frictionless" ] && tools+=(fl)
  for round in $(seq "$runs"); do
    alternating "$round" validate_with "${tools[@]}"
  done
  echo
  echo "## validate, $n rows ($(du -mL "$csv" | cut -f1) MB)"
  echo "gkml validate --format json   $(summary "$work/v-gkml.txt")"
  [ -n "$base" ] && echo "baseline gkml validate        $(summary "$work/v-base.txt")   this build $(ratio "$work/v-gkml.txt" "$work/v-base.txt") faster"
  [ -n "$qsv" ] && echo "qsvlite validate (schema)     $(summary "$work/v-qsv.txt")   gkml $(ratio "$work/v-gkml.txt" "$work/v-qsv.txt") faster (target ≥ 3×)"
  [ -n "$frictionless" ] && echo "frictionless validate         $(summary "$work/v-fl.txt")   gkml $(ratio "$work/v-gkml.txt" "$work/v-fl.txt") faster (target ≥ 20×)"
done

if [ -n "$compile_rows" ]; then
  n=$compile_rows
  csv=$(input "$n")
  rm -f "$work"/c-*.txt
  compile_with() {
    case $1 in
      gkml)
        rm -rf "$work/out$n"
        timed "$work/c-gkml.txt" "$gkml" compile "$csv" -o "$work/out$n" --allow-errors --quiet --date 2026-11-24
        ;;
      base)
        rm -rf "$work/base$n"
        timed "$work/c-base.txt" "$base" compile "$csv" -o "$work/base$n" --allow-errors --quiet --date 2026-11-24
        ;;
      xw) timed "$work/c-xw.txt" python3 "$shared/ref_compile_xlsxwriter.py" "$csv" "$work/peer$n.xlsx" ;;
    esac
  }
  tools=(gkml)
  [ -n "$base" ] && tools+=(base)
  [ -n "$xlsxwriter" ] && tools+=(xw)
  for round in $(seq "$runs"); do
    alternating "$round" compile_with "${tools[@]}"
  done
  echo
  echo "## compile, $n rows"
  echo "gkml compile (xlsx+html+csv+json) $(summary "$work/c-gkml.txt")"
  [ -n "$base" ] && echo "baseline gkml compile             $(summary "$work/c-base.txt")   this build $(ratio "$work/c-gkml.txt" "$work/c-base.txt") faster"
  [ -n "$xlsxwriter" ] && echo "XlsxWriter (xlsx only)            $(summary "$work/c-xw.txt")   gkml $(ratio "$work/c-gkml.txt" "$work/c-xw.txt") faster (target ≥ 8×, less memory)"
fi
