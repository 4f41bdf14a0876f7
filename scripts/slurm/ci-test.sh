#!/usr/bin/env bash
# The scale-out test on a live two-node Slurm cluster (loopback): starts the cluster, submits a
# probe of the embedded corpus as 3 shards (+ merge, cluster, 2 assign shards, report) with
# launch.sh, cancels shard 1 in the middle of its collection, reruns it with rerun.sh, and checks
# that the rerun resumed, that the merged codes, tokens and state equal a single-machine probe
# byte for byte, and that the labels and loss equal single-machine CLARA (one sample of the same
# size and seed). The cluster's daemons are always stopped (trap on exit).
#
#   scripts/slurm/ci-test.sh [POLYTOPE_BIN]      # default .build/debug/polytope
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/scripts/slurm"
bin=$(realpath "${1:-$root/.build/debug/polytope}")
[ -x "$bin" ] || { echo "slurm test: $bin not built" >&2; exit 1; }
"$here/install.sh"
export PATH="$PATH:/usr/sbin"
work=$(mktemp -d /tmp/polytope-slurm-XXXXXX)
cleanup() {
    status=$?
    "$here/cluster-down.sh" "$work/cluster" || true
    if [ $status -ne 0 ] && [ -d "$work/out/logs" ]; then
        echo "slurm test: failed; job logs:" >&2
        tail -n 15 "$work"/out/logs/* >&2 || true
        squeue -h -t all -o '%i %j %T %r' 2>/dev/null >&2 || true
    fi
    rm -rf "$work"
    exit $status
}
trap cleanup EXIT
fail() { echo "slurm test: $*" >&2; exit 1; }
trap 'echo "slurm test: line $LINENO failed: $BASH_COMMAND" >&2' ERR

started=$(date +%s)
"$here/cluster-up.sh" "$work/cluster"
source "$work/cluster/env.sh"

layers=1
args=(--corpus "$root/corpora/austen" --max-windows 150 --batch 1)
k=6; sample=300; seed=5
# The single-machine reference (the same settings; threads do not change the codes).
"$bin" probe --model "$root/models/gpt2-relu.pb" --layer $layers --seed $seed --threads 2 --quiet --k $k \
    "${args[@]}" --out "$work/single" > /dev/null
"$bin" cluster "$work/single/codes-layer$layers.plcodes" --k $k --method clara --samples 1 --sample-size $sample --seed $seed \
    --out "$work/single-clara.json" --labels "$work/single-clara.npy"

POLYTOPE="$bin" "$here/launch.sh" --corpus "$root/corpora/austen" --model "$root/models/gpt2-relu.pb" --layers $layers \
    --shards 3 --assign-shards 2 --k $k --cluster-sample $sample --seed $seed --out "$work/out" -- --max-windows 150 --batch 1
source "$work/out/slurm/jobs.env"

# Cancel shard 1 once it has committed part of its windows, before it finishes.
state="$work/out/shards/1/probe-state.json"
for _ in $(seq 1200); do
    if [ -f "$state" ] && [ -f "$work/out/shards/1/shard.json" ]; then
        read -r first done complete < <(python3 -c "
import json, sys
s = json.load(open('$state')); i = json.load(open('$work/out/shards/1/shard.json'))
print(i['first_window'], s['windows_done'], int(s['collection_complete']))" 2>/dev/null || echo "0 0 0")
        [ "$complete" = 1 ] && fail "shard 1 finished before it could be cancelled (make the test's shards longer)"
        if [ "$done" -gt "$first" ]; then scancel "${SHARD_JOB}_1"; break; fi
    fi
    sleep 0.1
done
[ "${done:-0}" -gt "${first:-0}" ] || fail "shard 1 never started committing windows"
for _ in $(seq 100); do
    st=$(squeue -h -t all -j "${SHARD_JOB}_1" -o '%T' 2>/dev/null || true)
    [ "$st" = CANCELLED ] && break
    sleep 0.2
done
[ "$st" = CANCELLED ] || fail "shard 1 is $st after scancel, not CANCELLED"
python3 -c "import json, sys; s = json.load(open('$state')); sys.exit(s['collection_complete'])" ||
    fail "shard 1's state says complete after the cancel"
echo "slurm test: shard ${SHARD_JOB}_1 cancelled after committing windows $first..<$done; merge job $MERGE_JOB waits"
# Rerun once the other shards have ended, so the rerun's dependency update always meets the case
# that once ended rerun.sh silently (no other task of the step left to wait for).
for _ in $(seq 600); do
    others=$(squeue -h -r -t all -j "$SHARD_JOB" -o '%i %T' 2>/dev/null | awk -v c="${SHARD_JOB}_1" '$1 != c && $2 != "COMPLETED"')
    [ -z "$others" ] && break
    sleep 0.2
done
[ -z "$others" ] || fail "shards 0 and 2 did not complete: $others"
"$here/rerun.sh" "$work/out" shard 1

# Every job must finish; any FAILED or CANCELLED (other than the cancelled shard's first run) fails the test.
for _ in $(seq 1800); do
    states=$(squeue -h -t all -r -o '%i %T' 2>/dev/null)
    bad=$(echo "$states" | awk '$2 ~ /FAILED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY|CANCELLED/ {print}')
    [ -n "$bad" ] && fail "jobs ended badly: $bad"
    echo "$states" | grep -q "^$REPORT_JOB COMPLETED" && break
    sleep 0.2
done
echo "$states" | grep -q "^$REPORT_JOB COMPLETED" || fail "the report job did not complete in 6 minutes: $states"
grep -q "resuming:" "$work"/out/logs/polytope-shard-"${SHARD_JOB}"_1.out || fail "shard 1's rerun did not resume (no 'resuming:' in its log)"
nodes=$(cat "$work"/out/logs/*.out | grep -o 'on node[12]' | sort -u | tr '\n' ' ')
echo "slurm test: all jobs completed; tasks ran $nodes"

merged="$work/out/probe"
for f in "codes-layer$layers.plcodes" tokens.bin; do
    cmp "$work/single/$f" "$merged/$f" || fail "$f of the merged shards differs from the single run"
done
python3 - "$work/single" "$merged" "$work/single-clara.json" "$work/single-clara.npy" "$layers" <<'PY'
import json, sys
single, merged, clara_json, clara_npy, layer = sys.argv[1:]
a = json.load(open(f"{single}/probe-state.json")); b = json.load(open(f"{merged}/probe-state.json"))
a.pop("seconds_collecting"); b.pop("seconds_collecting")
assert a == b, f"probe-state.json differs: {a} vs {b}"
ref = open(clara_npy, "rb").read(); got = open(f"{merged}/labels-layer{layer}.npy", "rb").read()
assert ref == got, "labels of the Slurm clustering differ from single-machine CLARA"
loss = json.load(open(clara_json))["loss"]
layers = json.load(open(f"{merged}/clusters.json"))["layers"]
assert int(layers[0]["loss"]) == loss, f"loss {layers[0]['loss']} vs single-machine CLARA {loss}"
print(f"slurm test: merged state equal; labels and loss {loss} equal single-machine CLARA")
PY
[ -f "$merged/report.html" ] || fail "no report.html"
echo "slurm test: passed in $(( $(date +%s) - started )) s"
