#!/bin/bash
# A tpsim sweep as a Slurm job array: array task i of n runs shard i/n of the grid; all write to
# OUT_DIR (a directory every node sees). Submit from the tpsim directory (built: npm run build):
#   sbatch --array=0-7 scripts/slurm/sweep.sh OUT_DIR [more sim sweep options, e.g. --set duration=2s]
# then join the shards once all have finished (see docs/SCALING.md):
#   sbatch --dependency=afterok:JOBID --wrap "node dist/cli/main.js merge OUT_DIR --out OUT_DIR"
#SBATCH --job-name=tpsim-sweep
#SBATCH --cpus-per-task=2
#SBATCH --time=01:00:00
set -euo pipefail
out=${1:?usage: sbatch --array=0-N scripts/slurm/sweep.sh OUT_DIR [sim sweep options]}
shift
cd "$SLURM_SUBMIT_DIR"
# node dist/cli/main.js is what `npx sim` runs, without npx's start-up on every task.
node dist/cli/main.js sweep scenarios/oltp.json \
  --vary threadHandling.thread_pool_size=4,8,16,32,64 \
  --vary workload.connections=64,256,1024,4096 \
  --shard "${SLURM_ARRAY_TASK_ID}/${SLURM_ARRAY_TASK_COUNT}" \
  --workers "${SLURM_CPUS_PER_TASK:-1}" --out "$out" --quiet "$@"
