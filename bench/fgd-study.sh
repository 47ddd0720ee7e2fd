#!/usr/bin/env bash
# fgd-study.sh - the FGD paper's whole study with ksim: 6 policies x 17
# openb traces x 10 seeds = 1,020 runs (the authors report 10 hours on 256
# vCPUs), as one `ksim sweep`, timed.
#   bash bench/fgd-study.sh KSIM TRACE_DIR [OUT_DIR] [JOBS]
# TRACE_DIR holds Alibaba's openb_pod_list_*.csv files (cluster-trace-gpu-
# v2023/csv; ksim vendors only the default one in data/openb).
set -euo pipefail
ksim=${1:?usage: fgd-study.sh KSIM TRACE_DIR [OUT_DIR] [JOBS]}
traces=$(cd "${2:?trace folder}" && pwd)
out=${3:-results/fgd-study}
jobs=${4:-$(nproc)}
here=$(cd "$(dirname "$0")/.." && pwd)
sweep=$(mktemp --suffix=.yaml)
trap 'rm -f "$sweep"' EXIT
{
  echo "apiVersion: ksim.dev/v1"
  echo "kind: Sweep"
  echo "metadata: {name: fgd-study}"
  echo "spec:"
  echo "  scenario: $here/scenarios/examples/fgd-openb.yaml"
  echo "  replications: 10"
  echo "  seed: 42"
  echo "  parameters:"
  echo "    - name: policy"
  echo "      sets:"
  for p in FGD BestFit DotProduct GpuPacking GpuClustering Random; do
    echo "        $p: {scheduler.config: fgd/$(echo $p | tr A-Z a-z).yaml}"
  done
  echo "    - name: trace"
  echo "      sets:"
  for t in default cpu050 cpu100 cpu200 cpu250 gpushare40 gpushare60 \
           gpushare80 gpushare100 gpuspec10 gpuspec20 gpuspec25 gpuspec33 \
           multigpu20 multigpu30 multigpu40 multigpu50; do
    echo "        $t: {\"workloads[0].trace.file\": $traces/openb_pod_list_$t.csv}"
  done
} > "$sweep"
start=$(date +%s.%N)
"$ksim" sweep "$sweep" -j "$jobs" -o "$out" 2>/dev/null
end=$(date +%s.%N)
echo "fgd-study: 1020 runs in $(echo "$end - $start" | bc) s with $jobs workers"
