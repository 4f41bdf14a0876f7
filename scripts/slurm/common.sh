# Sourced by the sbatch scripts (launch.sh copies it beside the run's config.sh): the run's
# settings and a log helper.
# shellcheck disable=SC1090
set -euo pipefail
config=${1:?usage: sbatch SCRIPT OUT/slurm/config.sh}
source "$config"
threads=${SLURM_CPUS_PER_TASK:-1}
say() { echo "[$(date +%H:%M:%S) ${SLURM_JOB_NAME:-job} ${SLURM_ARRAY_JOB_ID:-${SLURM_JOB_ID:-}}${SLURM_ARRAY_TASK_ID:+_$SLURM_ARRAY_TASK_ID} on ${SLURMD_NODENAME:-?}] $*"; }
