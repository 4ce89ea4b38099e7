# Shared by scripts/synth and scripts/lib/cli-app: the early app (see scripts/lib/cli-app), and the environment
# snapshots that decide whether its result stands for the CLI's own run of the app.

# The variables the CLI added to the app's environment on the last synthesis (NAME=value lines, values quoted).
EARLY_APP_RECORD="${EARLY_APP_RECORD:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/infra/target/cli-app.env}"

# This process's exported environment, one NAME=value line per variable (values quoted with printf %q, so each is
# one line and the file can be sourced), sorted. Left out: what every shell sets for itself, and the synthesis'
# own working directory.
dump_env() {
  local name
  for name in $(compgen -e); do
    case "$name" in _ | SHLVL | PWD | OLDPWD | SERVERLESS_KIT_SYNTH_DIR) continue ;; esac
    printf '%s=%q\n' "$name" "${!name}"
  done | LC_ALL=C sort
}

# The variable names of dump_env lines on stdin, sorted.
env_names() {
  cut -d= -f1 | LC_ALL=C sort
}

# Starts the app (its command as arguments) in the background with the recorded CLI variables. Until
# scripts/lib/cli-app takes them, what it writes stays its own: the cloud assembly in a directory of its own inside
# the CLI's output directory (the CLI's own lock covers the move into place), its output, error and
# performance-counter files in $1. Writes $1/early.env (the variables it was given), early.cmd (its command),
# early.outdir (its assembly's directory), early.pid (the app), early.wrapper (the shell that waits for it) and, when
# it ends, early.exit (its status).
start_early_app() {
  local dir="$1"; shift
  cp "$EARLY_APP_RECORD" "$dir/early.env"
  echo "$*" > "$dir/early.cmd"
  (
    set -a
    # shellcheck disable=SC1090,SC1091
    . "$dir/early.env"
    outdir="${CDK_OUTDIR:-cdk.out}"
    CDK_OUTDIR="$outdir/.early-app-${dir##*.}"
    CDK_ERROR_FILE="$dir/error.txt"
    CDK_PERF_COUNTERS_FILE="$dir/performance-counters.json"
    set +a
    echo "$CDK_OUTDIR" > "$dir/early.outdir"
    # The assets already staged, linked in (same file system): CDK copies an asset (the function jars, ~7 MB each)
    # into its output directory only when it is not there yet, as in cdk.out itself.
    mkdir -p "$CDK_OUTDIR"
    for asset in "$outdir"/asset.*; do
      [ ! -f "$asset" ] || ln "$asset" "$CDK_OUTDIR/" 2>/dev/null || true
    done
    "$@" > "$dir/early.out" 2> "$dir/early.err" &
    echo $! > "$dir/early.pid"
    status=0
    wait $! || status=$? # a failing app is a status to pass on, not the end of this shell (set -e)
    echo "$status" > "$dir/early.exit.tmp" && mv "$dir/early.exit.tmp" "$dir/early.exit"
  ) &
  echo $! > "$dir/early.wrapper"
}

# Stops the early app in $1, if it still runs, waits until it has, and removes what it wrote.
stop_early_app() {
  local dir="$1" pid
  # the wrapper writes early.pid right after it starts the app
  while [ ! -s "$dir/early.pid" ] && kill -0 "$(cat "$dir/early.wrapper")" 2>/dev/null; do sleep 0.02; done
  # once early.exit is written the app is gone (and its process number may be another process's by now)
  if [ ! -f "$dir/early.exit" ] && pid="$(cat "$dir/early.pid" 2>/dev/null)" && kill "$pid" 2>/dev/null; then
    while kill -0 "$pid" 2>/dev/null && [ ! -f "$dir/early.exit" ]; do sleep 0.02; done
  fi
  [ ! -s "$dir/early.outdir" ] || rm -rf "$(cat "$dir/early.outdir")"
}

# Moves the cloud assembly in directory $1 into directory $2, replacing what it names there (a synthesis writes the
# same names again: manifests, templates, nested assemblies). Assets keep their place: named by the hash of their
# content, one already there is the same.
move_assembly() {
  local from="$1" to="$2" entry name
  [ -d "$from" ] || return 0 # the app wrote none
  for entry in "$from"/* "$from"/.[!.]*; do
    [ -e "$entry" ] || continue
    name="${entry##*/}"
    case "$name" in
      asset.*) if [ -e "$to/$name" ]; then rm -rf "$entry" || return 1; continue; fi ;;
    esac
    rm -rf "${to:?}/$name" && mv "$entry" "$to/$name" || return 1
  done
  rmdir "$from"
}
