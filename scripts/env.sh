# Sourced by the project's scripts: the project's pinned Node (npm ci) for the CDK CLI and for jsii, so that
# nobody has to remember JSII_NODE or a PATH, and the machine's end-of-life Node is never used.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT
if [ ! -x "$ROOT/node_modules/node/bin/node" ] || [ ! -x "$ROOT/node_modules/.bin/cdk" ]; then
  echo "Installing the pinned Node tools (npm ci)..." >&2
  (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error) >&2
fi
export PATH="$ROOT/node_modules/node/bin:$ROOT/node_modules/.bin:$PATH"
export JSII_NODE="$ROOT/node_modules/node/bin/node"
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1
# A larger young generation for Node: CDK synthesis allocates many short-lived objects in the jsii kernel, and
# this cut the app's synthesis time by about a tenth (bench/synth).
case " ${NODE_OPTIONS:-} " in
  *--max-semi-space-size*) ;;
  *) export NODE_OPTIONS="${NODE_OPTIONS:-} --max-semi-space-size=64" ;;
esac
