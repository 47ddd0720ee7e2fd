#!/usr/bin/env bash
# test.sh - build ksim as the test build (-Werror, AddressSanitizer,
# UndefinedBehaviorSanitizer) in build-test/ and run every test suite.
# Installs missing Debian packages first.  Ends with CUnit's run summary;
# exits non-zero if any test failed.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/deps.sh
[ -x configure ] || autoreconf --install --force
if [ -f config.status ]; then
  # An in-tree ./configure blocks out-of-tree builds (automake's rule).
  echo "test: the source tree is configured in place; running 'make distclean' there first"
  make distclean >/dev/null
fi
mkdir -p build-test
cd build-test
# Reconfigure when the folder was configured without MPI (older checkouts).
if [ ! -f Makefile ] || ! grep -q -- '--with-mpi' config.status; then
  ../configure --quiet --enable-werror --enable-sanitizers --with-mpi CFLAGS="-O1 -g"
fi
status=0
make -j"$(nproc)" --quiet check || status=$?
# make check keeps the runner's output in the log: show it, CUnit's summary
# last (without the harness's own PASS/FAIL line after it).
if [ -f tests/sweep_mpi.sh.log ]; then
  grep -E '^(PASS|FAIL|SKIP)' tests/sweep_mpi.sh.log | head -3
fi
if [ -f tests/run-tests.log ]; then
  grep -Ev '^(PASS|FAIL|ERROR|XPASS|XFAIL|SKIP): |^(PASS|FAIL|ERROR) tests/run-tests' tests/run-tests.log
else
  echo "test: the test runner did not run (build failed?)" >&2
  status=1
fi
exit $status
