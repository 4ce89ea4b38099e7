// Lists the stacks of a cloud assembly (nested stage assemblies included) as
// "<cdk stack path>\t<snapshot file name>\t<template path>", in the naming of test/snapshots.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

function stacks(dir) {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  const rows = [];
  for (const [id, artifact] of Object.entries(manifest.artifacts ?? {})) {
    if (artifact.type === 'cdk:cloud-assembly') {
      rows.push(...stacks(join(dir, artifact.properties.directoryName)));
    } else if (artifact.type === 'aws:cloudformation:stack') {
      const displayName = artifact.displayName ?? id;          // "dev/ServerlessKit" or "Pipeline"
      const stackId = displayName.split('/').pop();
      // A stage's stack is "stage/Stack"; a stack outside any stage belongs to the tools account.
      const snapshot = displayName.includes('/')
        ? `${displayName.split('/')[0]}-${stackId}.template.json`
        : `tools-${stackId}.template.json`;
      rows.push([displayName, snapshot, join(dir, artifact.properties.templateFile)].join('\t'));
    }
  }
  return rows;
}

console.log(stacks(process.argv[2]).join('\n'));
