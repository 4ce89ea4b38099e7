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

# Starts the app (its command as arguments) in the background with the recorded CLI variables, its output, error and
# performance-counter files kept in $1 until scripts/lib/cli-app takes them. Writes $1/early.env (what it was
# given), early.pid (the app), early.wrapper (the shell that waits for it) and, when it ends, early.exit.
start_early_app() {
  local dir="$1"; shift
  cp "$EARLY_APP_RECORD" "$dir/early.env"
  (
    set -a
    # shellcheck disable=SC1090,SC1091
    . "$dir/early.env"
    CDK_ERROR_FILE="$dir/error.txt"
    CDK_PERF_COUNTERS_FILE="$dir/performance-counters.json"
    set +a
    "$@" > "$dir/early.out" 2> "$dir/early.err" &
    echo $! > "$dir/early.pid"
    wait $!
    echo $? > "$dir/early.exit.tmp" && mv "$dir/early.exit.tmp" "$dir/early.exit"
  ) &
  echo $! > "$dir/early.wrapper"
}

# Stops the early app in $1, if it still runs, and waits until it has.
stop_early_app() {
  local dir="$1" pid
  # the wrapper writes early.pid right after it starts the app
  while [ ! -s "$dir/early.pid" ] && kill -0 "$(cat "$dir/early.wrapper")" 2>/dev/null; do sleep 0.02; done
  pid="$(cat "$dir/early.pid" 2>/dev/null)" || return 0
  kill "$pid" 2>/dev/null || return 0
  while kill -0 "$pid" 2>/dev/null; do sleep 0.02; done
}
