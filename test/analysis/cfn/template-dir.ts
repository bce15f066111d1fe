// Test helper: writes templates into a fresh temporary directory and reads them back with readApp.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Json, LoadedApp, LoadedStack, ReadOptions, readApp } from '../../../src/analysis/cfn';

export const FIXTURES = path.join(__dirname, '..', '..', 'fixtures');

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cfn-reader-'));
}

/** Writes `files` (name -> text, or an object written as JSON) into a temporary directory; returns their paths. */
export function writeFiles(files: Record<string, string | Json>): Record<string, string> {
  const dir = tempDir();
  const paths: Record<string, string> = {};
  for (const [name, content] of Object.entries(files)) {
    const p = path.join(dir, name);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
    paths[name] = p;
  }
  return paths;
}

/** Reads one template (JSON object or YAML text) and returns its stack. */
export function readOne(template: string | Json, options?: ReadOptions, name?: string): LoadedStack {
  const file = name ?? (typeof template === 'string' ? 'template.yaml' : 'template.json');
  const paths = writeFiles({ [file]: template });
  return readApp([paths[file]], options).stacks[0];
}

export function stackById(app: LoadedApp, id: string): LoadedStack {
  const s = app.stacks.find((x) => x.id === id);
  if (!s) throw new Error(`no stack ${id} in ${app.stacks.map((x) => x.id).join(', ')}`);
  return s;
}
