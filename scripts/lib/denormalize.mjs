// Gives a normalized snapshot (asset hashes replaced by "<asset-hash>") the asset hashes of a synthesized
// template, so that `cdk diff` shows infrastructure changes and not a changed functions jar.
import { readFileSync } from 'node:fs';

const [snapshotFile, templateFile] = process.argv.slice(2);
let snapshot = readFileSync(snapshotFile, 'utf8');
const template = readFileSync(templateFile, 'utf8');

const assetKey = template.match(/"([0-9a-f]{64})(\.[a-z]+)"/);
if (assetKey) {
  snapshot = snapshot.replaceAll(`"<asset-hash>${assetKey[2]}"`, `"${assetKey[1]}${assetKey[2]}"`);
}
for (const match of template.matchAll(/([A-Za-z0-9]+)CurrentVersion([0-9A-F]{8}[0-9a-f]{32})/g)) {
  snapshot = snapshot.replaceAll(`${match[1]}CurrentVersion<asset-hash>`, `${match[1]}CurrentVersion${match[2]}`);
}
process.stdout.write(snapshot);
