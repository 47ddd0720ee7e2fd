#!/usr/bin/env bash
# sweep_mpi.sh - `ksim sweep` under mpirun with 2 ranks gives the same run
# files and index as a local sweep (the example sweep of 12 runs).
# Run by `make check` when ksim is configured --with-mpi; exit 77 (skipped)
# when mpirun is missing.
set -euo pipefail
builddir=${KS_BUILDDIR:-.}
srcdir=${srcdir:-.}
mpirun=${MPIRUN:-mpirun}
command -v "$mpirun" >/dev/null || { echo "mpirun not found: skipped"; exit 77; }
ksim="$builddir/ksim"
sweep="$srcdir/scenarios/examples/sweep/policies.yaml"
out="$builddir/tests/tmp/sweep-mpi"
rm -rf "$out"
mkdir -p "$out"

"$ksim" sweep "$sweep" -j 2 -o "$out/local" >/dev/null
# Open MPI refuses root unless told; its own allocations are not ksim's
# leaks (LeakSanitizer would report them at exit).
OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
  "$mpirun" -np 2 --oversubscribe "$ksim" sweep "$sweep" -o "$out/mpi" >"$out/mpi.txt"
grep -q "mpi          2 ranks" "$out/mpi.txt" || { echo "FAIL: not run by 2 ranks"; cat "$out/mpi.txt"; exit 1; }

n=0
for f in "$out"/local/runs/*.h5; do
  cmp "$f" "$out/mpi/runs/$(basename "$f")" || { echo "FAIL: $(basename "$f") differs"; exit 1; }
  n=$((n + 1))
done
[ "$n" -eq 12 ] || { echo "FAIL: expected 12 runs, found $n"; exit 1; }
# The index without the wall-time column.
diff <(sed 's/,[^,]*$//' "$out/local/index.csv") <(sed 's/,[^,]*$//' "$out/mpi/index.csv") \
  || { echo "FAIL: the indexes differ"; exit 1; }
echo "PASS: 12 runs by 2 MPI ranks identical to the local sweep"
