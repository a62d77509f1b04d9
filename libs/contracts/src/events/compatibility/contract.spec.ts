import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVENTS, EVENT_TYPES, invalidEventData, isEventType } from '../event-map';
import { breakingChanges, payloadSchemaOf, type PayloadSchema } from './compatibility';

/**
 * The event contracts against their history. `examples.json` holds payloads each version's
 * producers have sent (append-only: add examples, never edit them); `snapshot.json` the JSON
 * Schema each version had when it was added. A change to an existing version that an example
 * or a consumer of the recorded schema would not survive fails here: make it a new type.
 *
 * A new type (or a new optional field) is recorded with
 *   UPDATE_CONTRACT_SNAPSHOT=1 npx jest -c libs/contracts/jest.config.js contract
 * which refuses to record a breaking change.
 */
const examplesPath = join(__dirname, 'examples.json');
const snapshotPath = join(__dirname, 'snapshot.json');
const examples = JSON.parse(readFileSync(examplesPath, 'utf8')) as Record<string, unknown[]>;
const snapshot = JSON.parse(readFileSync(snapshotPath, 'utf8')) as Record<string, PayloadSchema>;

describe('event contracts', () => {
  it('keeps every recorded version (a version is never deleted while events of it may exist)', () => {
    const gone = [...Object.keys(examples), ...Object.keys(snapshot)].filter(
      (type) => !isEventType(type),
    );
    expect(gone).toEqual([]);
  });

  it('has examples and a recorded schema for every version', () => {
    expect(EVENT_TYPES.filter((type) => !(examples[type]?.length > 0))).toEqual([]);
    if (process.env.UPDATE_CONTRACT_SNAPSHOT === '1') {
      const next = { ...snapshot };
      for (const type of EVENT_TYPES) next[type] = payloadSchemaOf(EVENTS[type].schema);
      const breaking = EVENT_TYPES.filter(
        (type) => snapshot[type] && breakingChanges(snapshot[type], next[type]).length > 0,
      );
      expect(breaking).toEqual([]);
      writeFileSync(snapshotPath, JSON.stringify(next));
      // Formatted as the repository formats it, so recording leaves nothing for the format check.
      execFileSync('npx', ['prettier', '--write', snapshotPath], { stdio: 'ignore' });
    }
    expect(EVENT_TYPES.filter((type) => !snapshot[type])).toEqual([]);
  });

  it.each(EVENT_TYPES)('%s accepts every payload its producers have sent', (type) => {
    const rejected = (examples[type] ?? [])
      .map((example, i) => ({ i, problem: invalidEventData(type, example) }))
      .filter((r) => r.problem);
    expect(rejected).toEqual([]);
  });

  it.each(EVENT_TYPES)('%s changed only by adding optional fields', (type) => {
    const recorded = snapshot[type];
    if (!recorded) return; // reported by the test above
    expect(breakingChanges(recorded, payloadSchemaOf(EVENTS[type].schema))).toEqual([]);
  });
});
