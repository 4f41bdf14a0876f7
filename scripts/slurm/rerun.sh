#!/usr/bin/env bash
# Reruns one failed, killed or cancelled step of a run submitted by launch.sh, alone, and makes
# the step after it wait for the rerun:
#
#   scripts/slurm/rerun.sh OUT shard I     # probe shard I (resumes from its last committed batch)
#   scripts/slurm/rerun.sh OUT assign I    # assignment shard I
#   scripts/slurm/rerun.sh OUT merge|cluster|report
#
# The task is requeued (scontrol requeue, start time now); when Slurm no longer knows it (its
# record expired after MinJobAge) it is submitted again as a one-task array with the same index.
# The next step's dependency becomes afterok on the rerun and on the step's tasks still pending
# or running (the merge checks completeness itself).
set -euo pipefail
trap 'echo "rerun: line $LINENO failed: $BASH_COMMAND" >&2' ERR
out=${1:?usage: rerun.sh OUT STEP [I]}
step=${2:?usage: rerun.sh OUT STEP [I]}
i=${3:-}
source "$out/slurm/config.sh"
source "$out/slurm/jobs.env"
case "$step" in
    shard) job=$SHARD_JOB; next=$MERGE_JOB; script=probe-shard.sbatch; array=1 ;;
    merge) job=$MERGE_JOB; next=$CLUSTER_JOB; script=merge.sbatch; array=0 ;;
    cluster) job=$CLUSTER_JOB; next=$ASSIGN_JOB; script=cluster.sbatch; array=0 ;;
    assign) job=$ASSIGN_JOB; next=$REPORT_JOB; script=assign.sbatch; array=1 ;;
    report) job=$REPORT_JOB; next=""; script=report.sbatch; array=0 ;;
    *) echo "rerun: STEP must be shard, merge, cluster, assign or report (got '$step')" >&2; exit 2 ;;
esac
if [ "$array" = 1 ]; then
    [[ "$i" =~ ^[0-9]+$ ]] || { echo "rerun: $step needs the task index I" >&2; exit 2; }
    id="${job}_$i"
else
    id=$job
fi
if scontrol requeue "$id" 2>/dev/null; then
    scontrol update jobid="$id" StartTime=now
    rerun=$id
else
    args=(--parsable --open-mode=append --output="$OUT/logs/%x-%A_%a.out")
    [ "$array" = 1 ] && args+=(--array="$i")
    rerun=$(sbatch "${args[@]}" "$OUT/slurm/$script" "$OUT/slurm/config.sh" | cut -d';' -f1)
    [ "$array" = 1 ] && rerun="${rerun}_$i"
fi
if [ -n "$next" ]; then
    # Other tasks of the same step still to finish (none, once they have all ended: grep -v then
    # selects nothing and exits 1, which must not end the script under pipefail).
    waiting=$( { squeue -h -r -t PENDING,RUNNING,CONFIGURING,COMPLETING,SUSPENDED -j "$job" -o '%i' 2>/dev/null || true; } |
        { grep -vx "$id" || true; } | paste -sd: -)
    scontrol update jobid="$next" dependency="afterok:$rerun${waiting:+:$waiting}"
fi
echo "rerun: $step ${i:+$i }requeued as $rerun${next:+; job $next waits for it}"
