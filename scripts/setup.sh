#!/usr/bin/env bash
# setup.sh - the quick start: install what is missing, build ksim and run
# the quickstart scenario.  Writes results/quickstart.h5 and its figures
# (results/quickstart/*.png).  The build goes to build/; the binary is
# build/ksim.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/deps.sh
[ -x configure ] || autoreconf --install --force
mkdir -p build
cd build
if [ ! -f Makefile ] || ! grep -q -- "--with-mpi" config.status; then
  ../configure --quiet --with-mpi
fi
make -j"$(nproc)" --quiet ksim
cd ..
build/ksim run scenarios/examples/quickstart.yaml --force
