'use strict';
// The jsii kernel of the CDK app's JVM in one Node process (run by scripts/lib/jsii-kernel, which scripts/synth sets
// as JSII_RUNTIME, with the JVM's request pipe on fd 3 and its response pipe on fd 4).
//
// jsii's own launcher (bin/jsii-runtime.js) starts a host process that starts the kernel (lib/program.js) as its
// child and relays every request and response between the JVM (the host's stdin and stdout) and the kernel (the
// child's fd 3, one socket both ways). A synthesis of this app makes ~3 000 of those round trips; relaying each
// through a second process cost ~0.6-0.9 s of it (bench/synth). Here the kernel runs in this process: it reads its
// requests from fd 3 as it always does, and its writes to fd 3 go to fd 4. What the JavaScript prints goes to stderr
// as plain lines (the host would wrap them as JSON; the jsii Java runtime prints plain lines as they are).
//
// Compiled JavaScript is cached between runs: compiling aws-cdk-lib's modules took ~0.6 s of each synthesis, ~0.2 s
// with the cache (bench/README.md). Node keys its compile cache by each module's path, and the kernel loads its
// packages through a fresh temporary directory per run (jsii-kernel-XXXXXX, module paths kept as linked), so it never
// hit. With a work directory given, the kernel gets that one directory instead, while this process holds its lock
// (another kernel running at the same time gets a temporary directory, as before, and no cache).
//
// Usage: node --preserve-symlinks jsii-kernel.cjs <the kernel's lib/program.js> [<work directory> <compile cache>]
//        (fds 3 and 4 open as above)
const fs = require('fs');
const path = require('path');

const KERNEL_FD = 3;
const RESPONSES_FD = 4;
const [program, workDir, compileCacheDir] = process.argv.slice(2);

/** Whether the lock is held: by a process still running, or being taken (created, its pid not yet written). */
function lockHeld(lock) {
  let owner = NaN;
  try {
    owner = parseInt(fs.readFileSync(path.join(lock, 'pid'), 'utf8'), 10);
  } catch (e) {
    // no pid file yet
  }
  if (!Number.isInteger(owner) || owner <= 0) {
    try {
      return Date.now() - fs.statSync(lock).mtimeMs < 10000; // left without a pid long ago: stale
    } catch (gone) {
      return false;
    }
  }
  try {
    process.kill(owner, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM'; // running, as another user
  }
}

/** Takes the work directory's lock (a directory holding our pid); a stale lock is taken over. */
function lockWorkDir(lock) {
  try {
    fs.mkdirSync(path.dirname(lock), { recursive: true });
  } catch (e) {
    return false;
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.mkdirSync(lock);
    } catch (e) {
      if (e.code !== 'EEXIST' || attempt > 0 || lockHeld(lock)) return false;
      fs.rmSync(lock, { recursive: true, force: true });
      continue;
    }
    try {
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
    } catch (e) {
      fs.rmSync(lock, { recursive: true, force: true });
      return false;
    }
    process.on('exit', () => {
      if (ownsLock(lock)) fs.rmSync(lock, { recursive: true, force: true });
    });
    return true;
  }
  return false;
}

function ownsLock(lock) {
  try {
    return fs.readFileSync(path.join(lock, 'pid'), 'utf8') === String(process.pid);
  } catch (e) {
    return false;
  }
}

if (workDir && compileCacheDir && typeof require('module').enableCompileCache === 'function'
    && lockWorkDir(`${workDir}.lock`)) {
  const { mkdtempSync } = fs;
  fs.mkdtempSync = function kernelMkdtempSync(prefix, ...rest) {
    // still ours (two kernels taking over the same stale lock at once: the one whose pid stayed keeps it)
    if (path.basename(String(prefix)) !== 'jsii-kernel-' || !ownsLock(`${workDir}.lock`)) {
      return mkdtempSync.call(fs, prefix, ...rest);
    }
    fs.rmSync(workDir, { recursive: true, force: true }); // the links of the last run
    fs.mkdirSync(workDir, { recursive: true });
    return workDir;
  };
  require('module').enableCompileCache(compileCacheDir);
}

const { writeSync } = fs;
fs.writeSync = function kernelWriteSync(fd, ...rest) {
  return writeSync.call(fs, fd === KERNEL_FD ? RESPONSES_FD : fd, ...rest);
};
require(program);
