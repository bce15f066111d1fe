// The command line grammar: `cdk-layered-defense <command> [options] [arguments]`. Commands are a table, so the
// planned `explain` and `diff` add an entry (their options and help) and a handler, not a new parser.

/** A mistake in the command line: printed as one line, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface OptionSpec {
  /** `string` takes a value (`--format sarif` or `--format=sarif`); `boolean` takes none. */
  readonly kind: 'string' | 'boolean';
  /** May be given more than once; the values are collected in order. */
  readonly repeatable?: boolean;
  /** The value's placeholder in the help text (`<file>`, `KEY=VALUE`). */
  readonly placeholder?: string;
  readonly description: string;
}

export interface CommandSpec {
  readonly name: string;
  /** `<path>...` in `check [options] <path>...`. */
  readonly arguments: string;
  readonly summary: string;
  /** Paragraphs after the usage line of `<command> --help`. */
  readonly details: readonly string[];
  readonly options: Readonly<Record<string, OptionSpec>>;
  readonly examples: readonly string[];
}

export type ParsedCommandLine =
  | { readonly kind: 'help'; readonly command?: CommandSpec }
  | { readonly kind: 'version' }
  | {
    readonly kind: 'run';
    readonly command: CommandSpec;
    /** Option name (without `--`) to its values, in the order given; booleans have the value 'true'. */
    readonly options: ReadonlyMap<string, readonly string[]>;
    readonly positionals: readonly string[];
  };

export function parseCommandLine(argv: readonly string[], commands: readonly CommandSpec[], tool: string): ParsedCommandLine {
  const [first, ...rest] = argv;
  if (first === undefined) {
    throw new UsageError(`missing command (${commandList(commands)}); see '${tool} --help'`);
  }
  if (first === '--help' || first === '-h') {
    return { kind: 'help' };
  }
  if (first === '--version' || first === '-V') {
    return { kind: 'version' };
  }
  if (first === 'help') {
    if (rest.length === 0) {
      return { kind: 'help' };
    }
    return { kind: 'help', command: findCommand(rest[0], commands, tool) };
  }
  if (first.startsWith('-')) {
    throw new UsageError(`unknown option '${first}' before the command; see '${tool} --help'`);
  }
  const command = findCommand(first, commands, tool);

  const options = new Map<string, string[]>();
  const positionals: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--') {
      positionals.push(...rest.slice(i + 1));
      break;
    }
    if (arg === '-h' || arg === '--help') {
      return { kind: 'help', command };
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    if (!arg.startsWith('--')) {
      throw new UsageError(`unknown option '${arg}' for ${command.name}; see '${tool} ${command.name} --help'`);
    }
    const equals = arg.indexOf('=');
    const name = arg.slice(2, equals < 0 ? undefined : equals);
    const spec = command.options[name];
    if (!spec) {
      throw new UsageError(`unknown option '--${name}' for ${command.name}; see '${tool} ${command.name} --help'`);
    }
    let value: string;
    if (spec.kind === 'boolean') {
      if (equals >= 0) {
        throw new UsageError(`--${name} takes no value`);
      }
      value = 'true';
    } else if (equals >= 0) {
      value = arg.slice(equals + 1);
    } else {
      const next = rest[i + 1];
      if (next === undefined || (next.startsWith('--') && next !== '--')) {
        throw new UsageError(`--${name} needs a value (${spec.placeholder ?? 'a value'})`);
      }
      value = next;
      i++;
    }
    const values = options.get(name) ?? [];
    if (values.length > 0 && !spec.repeatable) {
      throw new UsageError(`--${name} is given more than once`);
    }
    values.push(value);
    options.set(name, values);
  }
  return { kind: 'run', command, options, positionals };
}

export function renderToolHelp(commands: readonly CommandSpec[], tool: string, footer: readonly string[]): string {
  const width = Math.max(...commands.map((c) => `${c.name} ${c.arguments}`.length));
  return [
    `Usage: ${tool} <command> [options]`,
    '',
    'Commands:',
    ...commands.map((c) => `  ${`${c.name} ${c.arguments}`.padEnd(width)}  ${c.summary}`),
    '',
    'Options:',
    '  -h, --help     Show this help; with a command, that command\'s help',
    '  -V, --version  Show the version',
    '',
    ...footer,
    '',
    `Run '${tool} <command> --help' for a command's options.`,
  ].join('\n') + '\n';
}

export function renderCommandHelp(command: CommandSpec, tool: string, footer: readonly string[]): string {
  const entries = Object.entries(command.options).map(([name, spec]) => [
    `--${name}${spec.placeholder ? ` ${spec.placeholder}` : ''}`,
    `${spec.description}${spec.repeatable ? ' (repeatable)' : ''}`,
  ]);
  entries.push(['-h, --help', 'Show this help']);
  const width = Math.max(...entries.map(([left]) => left.length));
  return [
    `Usage: ${tool} ${command.name} [options] ${command.arguments}`,
    '',
    ...command.details.flatMap((p) => [p, '']),
    'Options:',
    ...entries.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`),
    '',
    ...footer,
    '',
    'Examples:',
    ...command.examples.map((e) => `  ${tool} ${e}`),
  ].join('\n') + '\n';
}

function findCommand(name: string, commands: readonly CommandSpec[], tool: string): CommandSpec {
  const command = commands.find((c) => c.name === name);
  if (!command) {
    throw new UsageError(`unknown command '${name}' (${commandList(commands)}); see '${tool} --help'`);
  }
  return command;
}

function commandList(commands: readonly CommandSpec[]): string {
  return `commands: ${commands.map((c) => c.name).join(', ')}`;
}
