#!/usr/bin/env bash
# Starts a real two-node Slurm cluster on loopback, for tests: munged, slurmctld and two
# slurmd daemons (node1, node2) on their own ports, all state under one folder. No cgroup
# plugin (proctrack/linuxproc, task/none), no accounting database.
#
#   scripts/slurm/cluster-up.sh DIR      # DIR: an empty or absent folder for the cluster's state
#   source DIR/env.sh                    # SLURM_CONF for sbatch, squeue, sinfo, scontrol ...
#   scripts/slurm/cluster-down.sh DIR    # stops every daemon (and job step) started here
#
# Needs the Debian packages slurmctld slurmd slurm-client munge (scripts/slurm/install.sh).
# Waits until `sinfo` shows both nodes idle; on any failure it tears down what it started and
# prints the daemons' logs. Daemon PIDs are kept in DIR/pids for cluster-down.sh.
set -euo pipefail

dir=${1:?usage: cluster-up.sh DIR}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
if [ -s "$dir/pids" ]; then echo "cluster-up: $dir already holds a running cluster (pids); run cluster-down.sh first" >&2; exit 1; fi
for tool in munged slurmctld slurmd sinfo sbatch; do
    command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "cluster-up: $tool not found (scripts/slurm/install.sh installs it)" >&2; exit 1; }
done
export PATH="$PATH:/usr/sbin"

# Four free TCP ports on loopback (controller, node1, node2, spare), chosen by the kernel.
read -r ctl_port node1_port node2_port _ < <(python3 - <<'PY'
import socket
socks = []
for _ in range(4):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
print(*[s.getsockname()[1] for s in socks])
PY
)

mkdir -p "$dir/munge" "$dir/state" "$dir/spool/node1" "$dir/spool/node2" "$dir/log" "$dir/jobs"
chmod 700 "$dir/munge"
: > "$dir/pids"
trap 'status=$?; if [ $status -ne 0 ]; then echo "cluster-up: failed; logs follow" >&2; tail -n 20 "$dir"/log/*.log >&2 || true; "$here/cluster-down.sh" "$dir" >&2 || true; fi' EXIT

# munge: a fresh key, its own socket.
dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$dir/munge/munge.key"
munged --force --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.socket" \
    --pid-file="$dir/munge/munged.pid" --log-file="$dir/log/munged.log" --seed-file="$dir/munge/munge.seed"
for _ in $(seq 50); do [ -s "$dir/munge/munged.pid" ] && break; sleep 0.1; done
echo "munged $(cat "$dir/munge/munged.pid")" >> "$dir/pids"

host=$(hostname -s)
cpus=$(nproc)
user=$(id -un)
cat > "$dir/slurm.conf" <<CONF
ClusterName=polytope
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctl_port
SlurmUser=$user
SlurmdUser=$user
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool/%n
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd-%n.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd-%n.log
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=300
KillWait=5
Waittime=0
MaxArraySize=10001
NodeName=node1 NodeHostname=$host NodeAddr=127.0.0.1 Port=$node1_port CPUs=$cpus RealMemory=1000 State=UNKNOWN
NodeName=node2 NodeHostname=$host NodeAddr=127.0.0.1 Port=$node2_port CPUs=$cpus RealMemory=1000 State=UNKNOWN
PartitionName=debug Nodes=node1,node2 Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
CONF
cat > "$dir/env.sh" <<ENV
export SLURM_CONF=$dir/slurm.conf
export PATH="\$PATH:/usr/sbin"
ENV
export SLURM_CONF="$dir/slurm.conf"

# Daemons in the foreground (-D) of background shells, so their PIDs are ours to stop.
slurmctld -D -i -f "$SLURM_CONF" >> "$dir/log/slurmctld.out" 2>&1 &
echo "slurmctld $!" >> "$dir/pids"
for n in node1 node2; do
    slurmd -D -N "$n" -f "$SLURM_CONF" >> "$dir/log/slurmd-$n.out" 2>&1 &
    echo "slurmd-$n $!" >> "$dir/pids"
done

# Both nodes idle (or the start failed).
for _ in $(seq 120); do
    idle=$(sinfo -h -N -o '%N %t' 2>/dev/null | awk '$2 == "idle" {print $1}' | sort -u | tr '\n' ' ')
    if [ "$idle" = "node1 node2 " ]; then
        trap - EXIT
        echo "cluster-up: node1 and node2 idle (controller port $ctl_port); source $dir/env.sh"
        exit 0
    fi
    while read -r name pid; do
        kill -0 "$pid" 2>/dev/null || { echo "cluster-up: $name (pid $pid) exited" >&2; exit 1; }
    done < "$dir/pids"
    sleep 0.5
done
echo "cluster-up: nodes not idle after 60 s: $(sinfo -h -N -o '%N %t' 2>&1 | tr '\n' ' ')" >&2
exit 1
