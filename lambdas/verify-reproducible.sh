#!/usr/bin/env bash
# Builds the function jar twice from clean and checks both builds are byte-identical, so the CDK asset hash
# (and with it the Lambda version) changes only when the code or a dependency changes.
# Usage: lambdas/verify-reproducible.sh   (from anywhere; takes a couple of minutes; tests are skipped)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
jar="$repo/lambdas/target/function/serverless-kit-functions.jar"
build() {
  # -f on the module pom: builds lambdas (and reads the parent) without touching other modules
  (cd "$repo" && ./mvnw -q -B -f lambdas/pom.xml clean package -DskipTests)
  sha256sum "$jar" | cut -d' ' -f1
}
first="$(build)"
second="$(build)"
size="$(stat -c %s "$jar")"
echo "build 1: $first"
echo "build 2: $second"
echo "size:    $size bytes"
if [[ "$first" != "$second" ]]; then
  echo "NOT reproducible: the two builds differ" >&2
  exit 1
fi
echo "reproducible"
