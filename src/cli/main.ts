#!/usr/bin/env node
// The package's bin, `cdk-layered-defense`: binds runCli to this process. exitCode (not process.exit) lets a
// large report piped to another program finish writing before the process ends.
import { runCli } from './run';

// `check cdk.out | head` closes the pipe early: that is the reader's choice, not a crash worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') {
    process.exit(process.exitCode ?? 0);
  }
  throw error;
});

process.exitCode = runCli(process.argv.slice(2));
