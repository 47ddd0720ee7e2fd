#!/usr/bin/env bash
# deps.sh - install the Debian packages ksim needs that are missing.
#
# Sourced or run by setup.sh and test.sh.  Packages already installed are
# skipped, so this is fast and needs no network on a prepared machine.
# Needs root (or sudo) only when something is missing.
set -euo pipefail

KSIM_PACKAGES=(
  gcc libc6-dev make autoconf automake pkg-config   # toolchain, autotools
  libgsl-dev                              # distributions, statistics (GSL)
  libyaml-dev                             # scenario files (libyaml)
  libhdf5-dev                             # run datasets (HDF5, serial)
  libjansson-dev                          # JSON output (ksim explain)
  libcunit1-dev                           # unit tests (CUnit)
  gnuplot-nox                             # figures (external program)
  libopenmpi-dev openmpi-bin              # sweeps across ranks (Open MPI)
)

missing=()
for p in "${KSIM_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all ${#KSIM_PACKAGES[@]} packages present"
  exit 0
fi

echo "deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then SUDO=sudo; else
    echo "deps: missing packages and not root: run as root or install: ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
