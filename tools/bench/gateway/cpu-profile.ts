import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The parts of V8's `.cpuprofile` (Chrome DevTools format) this summary reads. */
interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
  }[];
  samples: number[];
}

export interface ProfileSummary {
  samples: number;
  /** Share of samples per part of the process: a package, the app's own code, node, GC. */
  byPart: [string, number][];
  /** Share of samples per function (self time), largest first. */
  byFunction: [string, number][];
}

/** Which package, app code or runtime part a frame belongs to. */
export function partOf(url: string, functionName: string): string {
  if (url === '') {
    if (functionName === '(garbage collector)') return 'garbage collector';
    if (functionName === '(idle)' || functionName === '(program)') return functionName;
    return 'native';
  }
  const packages = url.split('/node_modules/');
  if (packages.length > 1) {
    const rest = packages.at(-1) ?? '';
    const [scope, name] = rest.split('/');
    return scope.startsWith('@') ? `${scope}/${name}` : scope;
  }
  if (url.startsWith('node:')) return 'node';
  const app = /\/dist\/apps\/[^/]+\/(apps|libs)\/([^/]+)\//.exec(url);
  return app ? `${app[1]}/${app[2]}` : url;
}

/** Self time of every sample in the newest profile of `dir`, by part and by function. */
export function summarizeProfile(dir: string): ProfileSummary {
  const newest = readdirSync(dir)
    .filter((name) => name.endsWith('.cpuprofile'))
    .sort()
    .at(-1);
  if (newest === undefined) throw new Error(`no .cpuprofile in ${dir}`);
  const profile = JSON.parse(readFileSync(join(dir, newest), 'utf8')) as CpuProfile;
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const parts = new Map<string, number>();
  const functions = new Map<string, number>();
  let counted = 0;
  for (const id of profile.samples) {
    const frame = frames.get(id);
    if (!frame || frame.functionName === '(idle)') continue;
    counted++;
    const part = partOf(frame.url, frame.functionName);
    parts.set(part, (parts.get(part) ?? 0) + 1);
    const file = frame.url.split('/').at(-1) ?? '';
    const name = `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}`;
    functions.set(name, (functions.get(name) ?? 0) + 1);
  }
  const shares = (counts: Map<string, number>): [string, number][] =>
    [...counts]
      .map(([name, count]): [string, number] => [name, count / counted])
      .sort((a, b) => b[1] - a[1]);
  return { samples: counted, byPart: shares(parts), byFunction: shares(functions) };
}
