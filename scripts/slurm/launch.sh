#!/usr/bin/env bash
# Submits a whole probe to Slurm: N probe shards (an array job), then, each after the previous
# succeeded (afterok), merge, cluster (CLARA sample per layer), assign (an array job) and report.
#
#   scripts/slurm/launch.sh --corpus data/ --model models/gpt2.pb --layers 3,6 --shards 64 --out /shared/run1
#   scripts/slurm/launch.sh --corpus c.jsonl --model m.pb --layers 1 --shards 8 --out /shared/r --k 200 \
#       --cluster-sample 50000 --assign-shards 16 --cpus 4 -- --tokens random --sample 10000000 --context 256
#
# Options: --corpus PATH (repeatable), --model FILE, --layers L[,L...], --shards N, --out DIR (a
# folder every node sees), --k K (100), --cluster-sample M (20000), --assign-shards N (= --shards),
# --seed S (0), --cpus C per task (1), --polytope BIN (default: polytope on PATH, else this
# checkout's .build/release/polytope), --dry-run (write the config, submit nothing); after --,
# more `polytope probe` options (the same for every step). Partition, account, time limits:
# sbatch's own environment (SBATCH_PARTITION, SBATCH_ACCOUNT, SBATCH_TIMELIMIT, ...).
#
# Writes OUT/slurm/config.sh (the settings every step reads), OUT/slurm/jobs.env (the job ids),
# logs in OUT/logs/. A failed or killed task is rerun alone with scripts/slurm/rerun.sh OUT STEP [I];
# it resumes, and the steps after it wait for it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
corpus=(); model=""; layers=""; shards=""; out=""; k=100; sample=20000; assign=""; seed=0; cpus=1; dry=0
polytope=${POLYTOPE:-}
while [ $# -gt 0 ]; do
    case "$1" in
        --corpus) corpus+=("$(realpath "$2")"); shift 2 ;;
        --model) model=$(realpath "$2"); shift 2 ;;
        --layers) layers=$2; shift 2 ;;
        --shards) shards=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        --k) k=$2; shift 2 ;;
        --cluster-sample) sample=$2; shift 2 ;;
        --assign-shards) assign=$2; shift 2 ;;
        --seed) seed=$2; shift 2 ;;
        --cpus) cpus=$2; shift 2 ;;
        --polytope) polytope=$(realpath "$2"); shift 2 ;;
        --dry-run) dry=1; shift ;;
        --) shift; break ;;
        -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "launch: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
extra=("$@")
[ ${#corpus[@]} -gt 0 ] && [ -n "$model" ] && [ -n "$layers" ] && [ -n "$shards" ] && [ -n "$out" ] ||
    { echo "launch: --corpus, --model, --layers, --shards and --out are required (see --help)" >&2; exit 2; }
[[ "$shards" =~ ^[1-9][0-9]*$ ]] || { echo "launch: --shards must be a positive number (got '$shards')" >&2; exit 2; }
assign=${assign:-$shards}
if [ -z "$polytope" ]; then
    polytope=$(command -v polytope || true)
    [ -n "$polytope" ] || polytope="$(cd "$here/../.." && pwd)/.build/release/polytope"
fi
[ -x "$polytope" ] || { echo "launch: polytope binary not found ($polytope); build it or pass --polytope BIN" >&2; exit 2; }
mkdir -p "$out/slurm" "$out/logs" "$out/shards"
out=$(cd "$out" && pwd)

IFS=',' read -r -a layer_list <<< "$layers"
probe_args=(--model "$model" --corpus "${corpus[@]}" --seed "$seed")
for l in "${layer_list[@]}"; do probe_args+=(--layer "$l"); done
probe_args+=("${extra[@]}")
{
    echo "# written by scripts/slurm/launch.sh on $(date -u +%FT%TZ)"
    printf 'POLYTOPE=%q\nOUT=%q\nSHARDS=%q\nASSIGN_SHARDS=%q\nK=%q\nSAMPLE=%q\nSEED=%q\n' \
        "$polytope" "$out" "$shards" "$assign" "$k" "$sample" "$seed"
    printf 'LAYERS=(%s)\n' "$(printf '%q ' "${layer_list[@]}")"
    printf 'PROBE_ARGS=(%s)\n' "$(printf '%q ' "${probe_args[@]}")"
    echo 'CLUSTER_ARGS=()'
} > "$out/slurm/config.sh"
cp "$here/common.sh" "$here"/*.sbatch "$out/slurm/"
[ "$dry" = 1 ] && { echo "launch: wrote $out/slurm/config.sh (dry run: nothing submitted)"; exit 0; }

cfg="$out/slurm/config.sh"
submit() { sbatch --parsable --cpus-per-task="$cpus" --open-mode=append --output="$out/logs/%x-%A_%a.out" "$@" | cut -d';' -f1; }
shard_job=$(submit --array="0-$((shards - 1))" "$out/slurm/probe-shard.sbatch" "$cfg")
merge_job=$(submit --dependency="afterok:$shard_job" "$out/slurm/merge.sbatch" "$cfg")
cluster_job=$(submit --dependency="afterok:$merge_job" "$out/slurm/cluster.sbatch" "$cfg")
assign_job=$(submit --dependency="afterok:$cluster_job" --array="0-$((assign - 1))" "$out/slurm/assign.sbatch" "$cfg")
report_job=$(submit --dependency="afterok:$assign_job" "$out/slurm/report.sbatch" "$cfg")
printf 'SHARD_JOB=%s\nMERGE_JOB=%s\nCLUSTER_JOB=%s\nASSIGN_JOB=%s\nREPORT_JOB=%s\n' \
    "$shard_job" "$merge_job" "$cluster_job" "$assign_job" "$report_job" > "$out/slurm/jobs.env"
echo "launch: shards $shard_job (0-$((shards - 1))), merge $merge_job, cluster $cluster_job, assign $assign_job (0-$((assign - 1))), report $report_job -> $out/probe/report.html"
