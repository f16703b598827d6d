# Helpers of the Twins tests: the CLI tests' (tests/cli/lib.bash) and a JSON field reader.
source "$(dirname "$0")/../cli/lib.bash"
# The value of a top-level count of a twins report ("scenarios_run": 12,).
report_count() {  # report_count FILE NAME
  grep -m1 "^  \"$2\": " "$1" | sed 's/^[^:]*: //; s/,$//'
}
