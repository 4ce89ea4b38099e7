/**
 * One example per construct, compiled with the tests and shown in the constructs README (the lines between
 * {@code // example:start} and {@code // example:end}, by {@code scripts/update-docs}). Each uses only the public API
 * and the construct's defaults; {@code FootprintTest} synthesizes it, and the README's "creates and costs at zero
 * traffic" table of the construct is generated from that template, so neither can drift from the library.
 */
package dev.serverlesskit.constructs.examples;
