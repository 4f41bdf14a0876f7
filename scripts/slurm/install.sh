#!/usr/bin/env bash
# Installs the Debian packages a test cluster needs (slurmctld slurmd slurm-client munge, ~3.5 MB)
# when they are missing. The packages' own services are not started (cluster-up.sh starts its
# daemons itself, under a temporary folder).
set -euo pipefail
missing=()
for p in slurmctld slurmd slurm-client munge; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
