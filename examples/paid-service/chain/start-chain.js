// Starts ganache with the given command-line options and stops it when standard input closes,
// so a chain never outlives the Java process that started it (even one killed with SIGKILL).
'use strict';
const path = require('path');
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
process.argv = [process.argv[0], 'ganache', ...process.argv.slice(2)];
require(path.join(__dirname, 'node_modules', 'ganache', 'dist', 'node', 'cli.js'));
