#!/usr/bin/env bash
# The release build every bench script measures, in its own scratch path (.build-release) so
# that it never invalidates the debug build in .build that tests and daily work use. Prints
# the binary's path. JOBS (default 2) caps the compiler jobs on the shared 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release -j "${JOBS:-2}" --scratch-path .build-release --product kampagne >&2
echo "$PWD/.build-release/release/kampagne"
