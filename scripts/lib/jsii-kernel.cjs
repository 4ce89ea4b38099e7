'use strict';
// The jsii kernel of the CDK app's JVM in one Node process (run by scripts/lib/jsii-kernel, which scripts/synth sets
// as JSII_RUNTIME).
//
// jsii's own launcher (bin/jsii-runtime.js) starts a host process that starts the kernel (lib/program.js) as its
// child and relays every request and response between the JVM (the host's stdin and stdout) and the kernel (the
// child's fd 3). A synthesis of this app makes ~4 300 of those round trips; relaying each through a second process
// cost ~0.6-0.9 s of it (bench/synth). Here the kernel runs in this process and reads its requests from stdin and
// writes its responses to stdout itself. What its JavaScript prints goes to stderr as the host would relay it
// ({"stdout"|"stderr": base64} lines, which the jsii Java runtime decodes), so stdout carries responses only.
//
// Usage: node --preserve-symlinks jsii-kernel.cjs <the jsii runtime's directory, holding lib/ and bin/>
// A kernel that talks to its host differently than the fd 3 this relies on runs under jsii's own launcher instead.
const fs = require('fs');
const path = require('path');

const runtimeDir = process.argv[2];
const program = path.join(runtimeDir, 'lib', 'program.js');
if (!fs.readFileSync(program, 'utf8').includes('readFD:3,writeFD:3')) {
  require(path.join(runtimeDir, 'bin', 'jsii-runtime.js'));
} else {
  const { readSync, writeSync } = fs;
  const REQUESTS = 0; // stdin
  const RESPONSES = 1; // stdout
  const KERNEL_FD = 3;

  // Relays output meant for stdout or stderr to stderr, in the host's format.
  const relay = (key, data) => {
    writeSync.call(fs, 2, `${JSON.stringify({ [key]: data.toString('base64') })}\n`);
  };
  // fs.writeSync's (buffer, offset, length) and (string, position, encoding) forms, as the bytes they write
  const bytesOf = (data, offsetOrPosition, lengthOrEncoding) => {
    if (typeof data === 'string') {
      return Buffer.from(data, typeof lengthOrEncoding === 'string' ? lengthOrEncoding : 'utf8');
    }
    const buffer = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const offset = offsetOrPosition ?? 0;
    return buffer.subarray(offset, lengthOrEncoding == null ? undefined : offset + lengthOrEncoding);
  };

  fs.readSync = function kernelReadSync(fd, ...rest) {
    return readSync.call(fs, fd === KERNEL_FD ? REQUESTS : fd, ...rest);
  };
  fs.writeSync = function kernelWriteSync(fd, data, ...rest) {
    if (fd === KERNEL_FD) {
      return writeSync.call(fs, RESPONSES, data, ...rest);
    }
    if (fd === RESPONSES) {
      const bytes = bytesOf(data, ...rest);
      relay('stdout', bytes);
      return bytes.length;
    }
    return writeSync.call(fs, fd, data, ...rest);
  };
  for (const [stream, key] of [[process.stdout, 'stdout'], [process.stderr, 'stderr']]) {
    stream.write = function relayedWrite(chunk, encoding, callback) {
      relay(key, Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk), typeof encoding === 'string' ? encoding : 'utf8'));
      const done = typeof encoding === 'function' ? encoding : callback;
      if (done) {
        process.nextTick(done);
      }
      return true;
    };
  }
  require(program);
}
