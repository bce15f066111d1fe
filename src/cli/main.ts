#!/usr/bin/env node
// The package's bin, `cdk-layered-defense`: binds runCli to this process. exitCode (not process.exit) lets a
// large report piped to another program finish writing before the process ends.
import { runCli } from './run';

process.exitCode = runCli(process.argv.slice(2));
