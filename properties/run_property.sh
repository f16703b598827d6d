#!/bin/sh
# Runs one property test with RapidCheck's case count defaulting to 1000. RapidCheck
# reads RC_PARAMS as "key=value ..." where a later key wins, so the default goes first
# and anything the caller sets (max_success, seed, reproduce, ...) overrides it.
RC_PARAMS="max_success=1000 ${RC_PARAMS:-}"
export RC_PARAMS
exec "$@"
