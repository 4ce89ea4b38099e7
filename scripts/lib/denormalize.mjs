// The inverse of test/.../SnapshotNormalizer for `cdk diff`: gives a normalized snapshot (asset hashes as
// <asset-1>, <asset-2>... in order of first appearance; version ids as CurrentVersion<asset-hash>; the pipeline's
// publish destinations as <account>-<region>-<destination>) the hashes of
// a synthesized template, so that the diff shows infrastructure changes and not changed function jars.
import { readFileSync } from 'node:fs';

const [snapshotFile, templateFile] = process.argv.slice(2);
let snapshot = readFileSync(snapshotFile, 'utf8');
const template = readFileSync(templateFile, 'utf8');

const hashes = [...new Set([...template.matchAll(/(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])/g)].map((m) => m[0]))];
hashes.forEach((hash, i) => { snapshot = snapshot.replaceAll(`<asset-${i + 1}>`, hash); });
// Snapshots written before the numbered placeholders had a single "<asset-hash>.jar" for the one jar of the time.
if (hashes.length > 0) {
  snapshot = snapshot.replaceAll('"<asset-hash>.jar"', `"${hashes[0]}.jar"`);
}
// The pipeline's publish commands: "<hash>:<account>-<region>-<suffix>", the suffix derived from the asset's key.
for (const match of template.matchAll(/([0-9a-f]{64}):(\d{12}-[a-z0-9-]+?)-([0-9a-f]{8})(?=\\*")/g)) {
  // one occurrence at a time, in order: one asset may go to two destinations of the same account and region
  snapshot = snapshot.replace(`${match[1]}:${match[2]}-<destination>`, `${match[1]}:${match[2]}-${match[3]}`);
}
for (const match of template.matchAll(/([A-Za-z0-9]+)CurrentVersion([0-9A-F]{8}[0-9a-f]{32})/g)) {
  snapshot = snapshot.replaceAll(`${match[1]}CurrentVersion<asset-hash>`, `${match[1]}CurrentVersion${match[2]}`);
}
process.stdout.write(snapshot);
