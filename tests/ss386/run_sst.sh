#!/bin/sh
# run_sst.sh CINDER_SST DATA [options]: run cinder-sst on DATA, or report the
# test as skipped (exit 77, ctest's SKIP_RETURN_CODE) when the shared test data
# is not there, as in a user's own clone.
sst=$1
data=$2
shift 2
if [ ! -e "$data" ]; then
    echo "skip: $data not found (the SingleStepTests data lives in ../shared, outside the repository)"
    exit 77
fi
exec "$sst" "$@" "$data"
