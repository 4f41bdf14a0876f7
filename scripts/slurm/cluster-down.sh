#!/usr/bin/env bash
# Stops the cluster scripts/slurm/cluster-up.sh started in DIR: cancels its jobs, stops the
# daemons listed in DIR/pids, then any job step (slurmstepd and the jobs it ran) still running
# with this cluster's SLURM_CONF in its environment. Only processes of this cluster are
# touched, each by its PID. Safe to run twice.
#
#   scripts/slurm/cluster-down.sh DIR
set -uo pipefail

dir=${1:?usage: cluster-down.sh DIR}
[ -d "$dir" ] || exit 0
dir=$(cd "$dir" && pwd)
export SLURM_CONF="$dir/slurm.conf" PATH="$PATH:/usr/sbin"

if [ -s "$dir/pids" ] && [ -f "$SLURM_CONF" ]; then
    timeout 10 scancel --quiet --full --user="$(id -un)" 2>/dev/null || true
fi

# This cluster's processes other than the daemons: job steps inherit SLURM_CONF from slurmd.
ours() {
    local p
    for p in /proc/[0-9]*; do
        [ "${p#/proc/}" = "$$" ] && continue
        { tr '\0' '\n' < "$p/environ"; } 2>/dev/null | grep -qx "SLURM_CONF=$SLURM_CONF" && echo "${p#/proc/}"
    done
}

stop() {  # stop PID...: TERM, wait up to 5 s, then KILL
    local pid left
    [ $# -gt 0 ] || return 0
    kill -TERM "$@" 2>/dev/null
    for _ in $(seq 50); do
        left=""
        for pid in "$@"; do kill -0 "$pid" 2>/dev/null && left="$left $pid"; done
        [ -z "$left" ] && return 0
        sleep 0.1
    done
    kill -KILL $left 2>/dev/null
}

if [ -s "$dir/pids" ]; then
    # slurmd and slurmctld first, munged last (they talk to it while stopping).
    stop $(awk '$1 != "munged" {print $2}' "$dir/pids")
    stop $(ours)
    stop $(awk '$1 == "munged" {print $2}' "$dir/pids")
    : > "$dir/pids"
fi
left=$(ours)
if [ -n "$left" ]; then stop $left; fi
exit 0
