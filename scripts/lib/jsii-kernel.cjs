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
// (another kernel running at the same time gets a temporary directory, as before, and no cache). The lock is a
// directory holding "<host> <pid>"; it is stale when that process is gone (or is this one), when it has no owner 10 s
// after it was made, or after 15 minutes (a kernel lives as long as one synthesis). Anything that goes wrong with the
// work directory leaves the kernel with jsii's temporary one.
//
// Usage: node --preserve-symlinks jsii-kernel.cjs <the kernel's lib/program.js> [<work directory> <compile cache>]
//        (fds 3 and 4 open as above)
const fs = require('fs');
const os = require('os');
const path = require('path');

const KERNEL_FD = 3;
const RESPONSES_FD = 4;
const [program, workDir, compileCacheDir] = process.argv.slice(2);
const OWNER = `${os.hostname()} ${process.pid}`;
const UNOWNED_STALE_MS = 10_000;
const STALE_MS = 15 * 60_000;

function readOwner(lock) {
  try {
    return fs.readFileSync(path.join(lock, 'owner'), 'utf8');
  } catch (e) {
    return '';
  }
}

/** Whether a lock is held: by a running process, or being taken (made, its owner not written yet). */
function lockHeld(lock) {
  let age;
  try {
    age = Date.now() - fs.statSync(lock).mtimeMs;
  } catch (gone) {
    return false;
  }
  const [host, pidText] = readOwner(lock).split(' ');
  const pid = parseInt(pidText, 10);
  if (!Number.isInteger(pid) || pid <= 0) return age < UNOWNED_STALE_MS;
  if (age >= STALE_MS || pid === process.pid) return false;
  if (host !== os.hostname()) return true; // another machine's (a shared checkout): cannot tell, so until STALE_MS
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM'; // running, as another user
  }
}

function ownsLock(lock) {
  return readOwner(lock) === OWNER;
}

/** Takes the work directory's lock; a stale one is taken over. Exits leave the work directory and then the lock. */
function lockWorkDir(lock) {
  try {
    fs.mkdirSync(path.dirname(lock), { recursive: true });
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        fs.mkdirSync(lock);
      } catch (e) {
        if (e.code !== 'EEXIST' || attempt > 0 || lockHeld(lock)) return false;
        fs.rmSync(lock, { recursive: true, force: true });
        continue;
      }
      fs.writeFileSync(path.join(lock, 'owner'), OWNER);
      // jsii removes its work directory at exit too, but after this handler: a kernel taking the lock in between
      // would lose its directory under it
      process.on('exit', () => {
        if (!ownsLock(lock)) return;
        try {
          fs.rmSync(workDir, { recursive: true, force: true });
        } finally {
          fs.rmSync(lock, { recursive: true, force: true });
        }
      });
      return true;
    }
  } catch (e) {
    // a directory this process may not write or remove: no cache
  }
  return false;
}

if (workDir && compileCacheDir && typeof require('module').enableCompileCache === 'function'
    && lockWorkDir(`${workDir}.lock`)) {
  const { mkdtempSync } = fs;
  fs.mkdtempSync = function kernelMkdtempSync(prefix, ...rest) {
    // and still ours (two kernels taking over the same stale lock at once: the one whose owner line stayed keeps it)
    if (path.basename(String(prefix)) === 'jsii-kernel-' && ownsLock(`${workDir}.lock`)) {
      try {
        fs.rmSync(workDir, { recursive: true, force: true }); // what a killed kernel left
        fs.mkdirSync(workDir, { recursive: true });
        return workDir;
      } catch (e) {
        // not ours to clear: a temporary directory, as jsii would make
      }
    }
    return mkdtempSync.call(fs, prefix, ...rest);
  };
  try {
    require('module').enableCompileCache(compileCacheDir);
  } catch (e) {
    // no cache: slower, not wrong
  }
}

const { writeSync } = fs;
fs.writeSync = function kernelWriteSync(fd, ...rest) {
  return writeSync.call(fs, fd === KERNEL_FD ? RESPONSES_FD : fd, ...rest);
};
require(program);
