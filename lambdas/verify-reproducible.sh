#!/usr/bin/env bash
# Builds the function jars twice from clean and checks both builds are byte-identical, so the CDK asset hashes
# (and with them the Lambda versions) change only when the code or a dependency changes.
# Usage: lambdas/verify-reproducible.sh   (from anywhere; takes a couple of minutes; tests are skipped)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
jars=("$repo"/lambdas/target/function/serverless-kit-functions-dynamodb.jar
      "$repo"/lambdas/target/function/serverless-kit-functions-sqs.jar)
build() {
  # -f on the module pom: builds lambdas (and reads the parent) without touching other modules
  (cd "$repo" && ./mvnw -q -B -f lambdas/pom.xml clean package -DskipTests)
  sha256sum "${jars[@]}" | cut -d' ' -f1 | tr '\n' ' '
}
first="$(build)"
second="$(build)"
echo "build 1: $first"
echo "build 2: $second"
for jar in "${jars[@]}"; do echo "size:    $(stat -c %s "$jar") bytes  $(basename "$jar")"; done
if [[ "$first" != "$second" ]]; then
  echo "NOT reproducible: the two builds differ" >&2
  exit 1
fi
echo "reproducible"
