# tests/fixlib.sh - what the fixture builders share: die, naming the script, and run,
# quiet unless the command fails. Source it (bash); run appends to "$LOG".

die() { echo "${0##*/}: error: $*" >&2; exit 1; }

# run CMD...: CMD's output goes to $LOG; when it fails, the end of the log and stop
run() {
	if ! "$@" >>"$LOG" 2>&1; then
		tail -n 60 "$LOG" >&2
		die "command failed: $*  (log: $LOG)"
	fi
}
