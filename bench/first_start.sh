#!/usr/bin/env bash
# Time a fresh clone's bin/run to its first page: bench/first_start.sh [BASELINE_REF] [RUNS]
# Clones HEAD (and BASELINE_REF, if given, in the same run) into empty directories, runs bin/run there (a new
# .venv, migrations, the demo, the worker and the web server), and prints the seconds until
# /accounts/login/ first answers 200, then the ratio to the baseline. uv's download cache is shared.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BASELINE="${1:-}"
RUNS="${2:-1}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK" 2>/dev/null || true' EXIT  # a background bytecode compile may still be writing
PORT=8190

first_page() {  # first_page DIR PORT -> seconds
    local dir="$1" port="$2" start end pid
    start=$(date +%s.%N)
    (cd "$dir" && exec env PORT="$port" bin/run >"$dir/run.log" 2>&1) &
    pid=$!  # bin/run itself: on TERM it stops its web server and worker
    until curl -fsS -o /dev/null "http://127.0.0.1:$port/accounts/login/" 2>/dev/null; do
        if ! kill -0 "$pid" 2>/dev/null; then echo "bin/run stopped; see $dir/run.log" >&2; tail -5 "$dir/run.log" >&2; exit 1; fi
        sleep 0.2
    done
    end=$(date +%s.%N)
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    pkill -f "$dir/.venv/bin/python -m compileall" 2>/dev/null || true  # its background compile: not the next run's
    python3 -c "print(f'{$end - $start:.1f}')"
}

measure() {  # measure REF LABEL
    local ref="$1" label="$2" run dir seconds=()
    for run in $(seq 1 "$RUNS"); do
        dir="$WORK/$label-$run"
        git clone -q "$ROOT" "$dir"
        git -C "$dir" checkout -q "$ref"
        seconds+=("$(first_page "$dir" $((PORT++)))")
    done
    echo "$label ($ref): ${seconds[*]} s to the first page" >&2
    printf '%s\n' "${seconds[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p"
}

head_median="$(measure HEAD head)"
if [[ -n "$BASELINE" ]]; then
    base_median="$(measure "$BASELINE" baseline)"
    python3 -c "print(f'median: {$head_median} s now, {$base_median} s at $BASELINE: {$head_median / $base_median:.2f} of the baseline')"
else
    echo "median: $head_median s"
fi
