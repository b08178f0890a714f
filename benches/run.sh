#!/usr/bin/env bash
# benches/run.sh — wall time and peak memory of `nianbao check` and `nianbao build` on generated
# corpora (issue "Performance at national scale"). A benchmark, not a test: nothing runs it in
# the test suite or CI. Results and how to read them: docs/benchmarks.md.
#
# Usage: benches/run.sh [options] [SIZE...]
#
#   SIZE                reports per corpus (default: 1000 10000 100000)
#   -r, --runs N        runs per measurement (default: 5, or 3 from 100000 reports)
#   -c, --commands L    comma-separated subset of check,build,serve (default: check,build,serve)
#   -s, --seed S        corpus seed (default: 1)
#   -k, --keep          keep the corpora afterwards (their folder is printed)
#   -o, --out FILE      also write the Markdown table to FILE
#   -h, --help          this text
#
#   NIANBAO_BIN=PATH    measure that binary instead of the one built (a target folder shared
#                       with other worktrees may hold another's binary)
#
# Examples:
#   benches/run.sh                       # everything: 1k, 10k, 100k; check and build
#   benches/run.sh 1000 10000            # two sizes
#   benches/run.sh -c check -r 7 10000   # check only, 7 runs
#   benches/run.sh -c serve 10000        # serve latency only
#
# What it does:
#   1. builds the release binary, the corpus generator and search_fetch once:
#        cargo build --release --bin nianbao --example gen_corpus --example search_fetch
#   2. for each SIZE, generates a site on tmpfs (/dev/shm; else a tmpfs mounted under /tmp when
#      permitted; else a plain temporary folder, announced, where disk caching weighs in):
#        target/release/examples/gen_corpus --reports SIZE --out DIR --seed S
#   3. runs each command RUNS times under `/usr/bin/time -v` (the Debian package `time`,
#      installed with apt-get when missing) and keeps the median wall time and the median peak
#      resident memory (max RSS), and the median CPU time (user + system; on a shared machine
#      it moves less than the wall time):
#        nianbao check --root DIR
#        nianbao build --root DIR --output DIR-out     (the output is removed before each run;
#                                                       with [search] enabled = false, then on,
#                                                       then on with the site's own base.html:
#                                                       the theme's and one comment line)
#      A command the binary does not have (see `nianbao --help`) is skipped, so the script works
#      while commands are still being written. `build` is skipped for a size whose output would
#      not fit on the tmpfs (about 90 KB per report).
#      With `serve`, the save-to-served latency of `nianbao serve` instead, once per size
#      (measure_serve_latency below: `cargo bench --bench serve_latency -- --site DIR --bin BIN`,
#      median of 20 edits).
#   4. prints a Markdown table, with the machine it ran on and the load average (the machine may
#      be shared: compare runs made under similar load); after it, for each size built, what one
#      query on /search/ fetches (examples/search_fetch.rs on the output of the search-on build).

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SIZES=()
RUNS=""
COMMANDS="check,build,serve"
SEED=1
KEEP=0
OUT=""

usage() { sed -n '2,/^$/p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
    case "$1" in
        -r|--runs) RUNS=$2; shift 2 ;;
        -c|--commands) COMMANDS=$2; shift 2 ;;
        -s|--seed) SEED=$2; shift 2 ;;
        -k|--keep) KEEP=1; shift ;;
        -o|--out) OUT=$2; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        -*) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
        *)
            [[ $1 =~ ^[0-9]+$ ]] || { echo "not a size: $1" >&2; exit 2; }
            SIZES+=("$1"); shift ;;
    esac
done
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1000 10000 100000)
[ -z "$RUNS" ] || [[ $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "--runs wants a positive number" >&2; exit 2; }

log() { echo "[bench] $*" >&2; }

# --- tools -----------------------------------------------------------------------------------

ensure_time() {
    if [ -x /usr/bin/time ] && /usr/bin/time -v true >/dev/null 2>&1; then
        return
    fi
    log "installing GNU time (/usr/bin/time) with apt-get"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get install -y -qq time >/dev/null 2>&1 \
        || { $sudo apt-get update -qq >/dev/null && $sudo apt-get install -y -qq time >/dev/null; }
}

ensure_time
log "building the release binary and gen_corpus"
(cd "$ROOT" && cargo build --release --quiet --bin nianbao --example gen_corpus --example search_fetch)
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
case "$TARGET" in /*) ;; *) TARGET="$ROOT/$TARGET" ;; esac
BIN="${NIANBAO_BIN:-$TARGET/release/nianbao}"
GEN="$TARGET/release/examples/gen_corpus"
FETCH="$TARGET/release/examples/search_fetch"

has_command() { "$BIN" --help 2>/dev/null | grep -qE "^[[:space:]]+$1[[:space:]]"; }

# --- where the corpora live -----------------------------------------------------------------

BASE=""
MOUNTED=""
STORAGE=""
pick_storage() {
    if [ -d /dev/shm ] && [ -w /dev/shm ] && [ "$(stat -f -c %T /dev/shm)" = tmpfs ]; then
        BASE=$(mktemp -d /dev/shm/nianbao-bench.XXXXXX)
        STORAGE="tmpfs (/dev/shm)"
        return
    fi
    local m
    m=$(mktemp -d /tmp/nianbao-bench-tmpfs.XXXXXX)
    if mount -t tmpfs -o mode=0700 tmpfs "$m" 2>/dev/null; then
        BASE=$m MOUNTED=$m STORAGE="tmpfs (mounted at $m)"
        return
    fi
    rmdir "$m"
    BASE=$(mktemp -d)
    STORAGE="disk ($BASE): no tmpfs available, file caching weighs in"
    log "WARNING: no tmpfs available; using $BASE on disk"
}
cleanup() {
    [ -n "$BASE" ] || return 0
    if [ "$KEEP" = 1 ]; then
        log "corpora kept in $BASE"
    else
        rm -rf "$BASE"
    fi
    if [ -n "$MOUNTED" ] && [ "$KEEP" != 1 ]; then
        umount "$MOUNTED" && rmdir "$MOUNTED"
    fi
}
trap cleanup EXIT
pick_storage

avail_kb() { df -Pk "$BASE" | awk 'NR==2 {print $4}'; }

# --- measuring ------------------------------------------------------------------------------

# Seconds from GNU time's "h:mm:ss" or "m:ss.ss".
to_seconds() { awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }' <<<"$1"; }

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit; if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

ROWS=()
FETCHED=()
row() { ROWS+=("| $1 | $2 | $3 | $4 | $5 | $6 | $7 | $8 |"); }

# measure SIZE NAME RUNS PREPARE -- COMMAND...: runs COMMAND RUNS times (PREPARE before each,
# untimed) and adds a row: median wall, wall range, median max RSS, exit codes.
measure() {
    local n=$1 name=$2 runs=$3 prepare=$4
    shift 5
    local tf walls=() cpus=() rss=() codes=() code i
    tf=$(mktemp)
    for ((i = 1; i <= runs; i++)); do
        eval "$prepare"
        code=0
        /usr/bin/time -v -o "$tf" "$@" >/dev/null 2>"$tf.err" || code=$?
        walls+=("$(to_seconds "$(sed -n 's/.*Elapsed (wall clock) time.*: //p' "$tf")")")
        cpus+=("$(awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.2f", s }' "$tf")")
        rss+=("$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tf")")
        codes+=("$code")
        log "  $name, $n reports, run $i/$runs: ${walls[-1]} s wall, ${cpus[-1]} s CPU, $((rss[-1] / 1024)) MB, exit $code"
    done
    local wall lo hi cpu mem exits
    wall=$(printf '%s\n' "${walls[@]}" | median)
    lo=$(printf '%s\n' "${walls[@]}" | sort -g | head -1)
    hi=$(printf '%s\n' "${walls[@]}" | sort -g | tail -1)
    cpu=$(printf '%s\n' "${cpus[@]}" | median)
    mem=$(printf '%s\n' "${rss[@]}" | median)
    exits=$(printf '%s\n' "${codes[@]}" | sort -u | paste -sd/)
    row "$n" "$name" "$runs" "$wall" "$lo–$hi" "$cpu" "$(awk -v k="$mem" 'BEGIN { printf "%.0f", k / 1024 }')" "$exits"
    rm -f "$tf" "$tf.err"
}

# ---- serve latency: SLOT ---------------------------------------------------------------------
# The save-to-served latency of `nianbao serve` (benches/serve_latency.rs): serve runs on the
# corpus, one report's text is saved 20 times (an editor's atomic save) and each time the
# report's page is polled until it shows the edit; a second row gives the time until open pages
# are told to reload (by then the index pages and data files are up to date too). Milliseconds,
# written as seconds like the other rows. Arguments: SIZE and the site folder (edited in place,
# the report restored at the end). Skipped when the build output would not fit, as for build.
measure_serve_latency() {
    local n=$1 dir=$2 out served told
    has_command serve || return 0
    if [ "$(avail_kb)" -lt $((n * 90 + 100000)) ]; then
        log "skipping serve latency of $n reports: about $(((n * 90 + 100000) / 1024)) MB needed on $BASE"
        row "$n" "serve latency" "–" "skipped: no room for the output" "" "" "" ""
        return 0
    fi
    # A text edit (the report's page), then a figure edit (its data files, and the roll-ups of
    # the site and of every region above the agency: their pages and rollup.json/.csv).
    local edit label
    for edit in text figure; do
        log "  serve latency, $n reports: 20 $edit edits"
        out=$(cd "$ROOT" && cargo bench --quiet --bench serve_latency -- --site "$dir" --bin "$BIN" --edits 20 --edit "$edit" 2>/dev/null) || {
            row "$n" "serve latency ($edit edit)" "–" "failed" "" "" "" ""
            continue
        }
        # "…: median 16.2 ms (min 14.1, max 24.0)" → "0.016 0.014 0.024"
        secs() { sed -n "s/^$1 latency over [0-9]* edits: median \([0-9.]*\) ms (min \([0-9.]*\), max \([0-9.]*\)).*/\1 \2 \3/p" <<<"$out" | awk '{ printf "%.3f %.3f %.3f", $1 / 1000, $2 / 1000, $3 / 1000 }'; }
        read -r served served_lo served_hi <<<"$(secs save-to-served)"
        read -r told told_lo told_hi <<<"$(secs save-to-reload-announced)"
        label="serve ($edit edit)"
        row "$n" "$label: save to page served" 20 "$served" "$served_lo–$served_hi" "–" "–" 0
        row "$n" "$label: save to reload announced" 20 "$told" "$told_lo–$told_hi" "–" "–" 0
    done
}
# ---- end of slot ------------------------------------------------------------------------------

IFS=, read -r -a WANTED <<<"$COMMANDS"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
for n in "${SIZES[@]}"; do
    runs=${RUNS:-$([ "$n" -ge 100000 ] && echo 3 || echo 5)}
    dir="$BASE/site-$n"
    log "generating $n reports in $dir"
    "$GEN" --reports "$n" --out "$dir" --seed "$SEED" 2>&1 | sed 's/^/[bench]   /' >&2
    for cmd in "${WANTED[@]}"; do
        if ! has_command "$cmd"; then
            log "skipping $cmd: the binary has no such command yet"
            row "$n" "$cmd" "–" "skipped: no such command" "" "" "" ""
            continue
        fi
        case "$cmd" in
            check)
                measure "$n" check "$runs" ":" -- "$BIN" check --root "$dir"
                ;;
            build)
                need=$((n * 90 + 100000))
                if [ "$(avail_kb)" -lt "$need" ]; then
                    log "skipping build of $n reports: about $((need / 1024)) MB needed on $BASE"
                    row "$n" build "–" "skipped: no room for the output" "" "" "" ""
                    continue
                fi
                # Search off and on (site.md: the 10k target is for search off), then what one
                # query fetches from the last build (search on).
                cp "$dir/site.toml" "$dir/site.toml.orig"
                printf '\n[search]\nenabled = false\n' >>"$dir/site.toml"
                measure "$n" "build, search off" "$runs" "rm -rf '$dir-out'" -- "$BIN" build --root "$dir" --output "$dir-out"
                mv "$dir/site.toml.orig" "$dir/site.toml"
                measure "$n" "build, search on" "$runs" "rm -rf '$dir-out'" -- "$BIN" build --root "$dir" --output "$dir-out"
                if [ -x "$FETCH" ] && [ -d "$dir-out/search" ]; then
                    FETCHED+=("$n reports: $(du -sh "$dir-out/search/index" | cut -f1) index, $(du -sh "$dir-out/search/r" | cut -f1) records" "$("$FETCH" "$dir-out")")
                fi
                # A portal's own header goes in an overridden base.html: the theme's, plus one
                # comment line, must not fall off the templates' fast path (issue 10: ≤ 1.3×).
                mkdir -p "$dir/templates"
                { cat "$ROOT/themes/default/templates/base.html"; echo '{# 门户页头：站点自己的 base.html #}'; } >"$dir/templates/base.html"
                measure "$n" "build, search on, base.html overridden" "$runs" "rm -rf '$dir-out'" -- "$BIN" build --root "$dir" --output "$dir-out"
                rm -rf "$dir/templates" "$dir-out"
                ;;
            serve)
                measure_serve_latency "$n" "$dir"
                ;;
            *) log "unknown command $cmd (check, build, serve)"; exit 2 ;;
        esac
    done
    [ "$KEEP" = 1 ] || rm -rf "$dir"
done
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

{
    echo "Machine: $(nproc) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)), $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo) RAM; corpora on $STORAGE"
    echo "Binary: $BIN ($(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)$(cd "$ROOT" && git diff --quiet HEAD -- src 2>/dev/null || echo ', with uncommitted changes in src/'))"
    echo "Load average (1, 5, 15 min): $LOAD_START at the start, $LOAD_END at the end; seed $SEED"
    echo
    echo "| reports | command | runs | wall median (s) | wall min–max (s) | CPU user+sys median (s) | peak RSS median (MB) | exit |"
    echo "|---:|---|---:|---:|---:|---:|---:|---|"
    printf '%s\n' "${ROWS[@]}"
    if [ "${#FETCHED[@]}" -gt 0 ]; then
        echo
        echo "What one query on /search/ fetches (examples/search_fetch.rs):"
        printf '\n%s\n' "${FETCHED[@]}"
    fi
} | tee ${OUT:+"$OUT"}
