'use strict';
// The jsii kernel of the CDK app's JVM in one Node process (run by scripts/lib/jsii-kernel, which scripts/synth sets
// as JSII_RUNTIME, with the JVM's request pipe on fd 3 and its response pipe on fd 4).
//
// jsii's own launcher (bin/jsii-runtime.js) starts a host process that starts the kernel (lib/program.js) as its
// child and relays every request and response between the JVM (the host's stdin and stdout) and the kernel (the
// child's fd 3, one socket both ways). A synthesis of this app makes ~4 300 of those round trips; relaying each
// through a second process cost ~0.6-0.9 s of it (bench/synth). Here the kernel runs in this process: it reads its
// requests from fd 3 as it always does, and its writes to fd 3 go to fd 4. What the JavaScript prints goes to stderr
// as plain lines (the host would wrap them as JSON; the jsii Java runtime prints plain lines as they are).
//
// Usage: node --preserve-symlinks jsii-kernel.cjs <the kernel's lib/program.js>   (fds 3 and 4 open as above)
const fs = require('fs');

const KERNEL_FD = 3;
const RESPONSES_FD = 4;
const { writeSync } = fs;
fs.writeSync = function kernelWriteSync(fd, ...rest) {
  return writeSync.call(fs, fd === KERNEL_FD ? RESPONSES_FD : fd, ...rest);
};
require(process.argv[2]);
