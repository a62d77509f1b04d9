import { DomainError } from '../errors/domain-error';
import { idParam } from './id-param';

describe('idParam', () => {
  it.each([
    ['uuid', '0b6f6a52-3d43-4c1e-9a77-2f1b3c4d5e6f'],
    ['uuid', '0B6F6A52-3D43-4C1E-9A77-2F1B3C4D5E6F'],
    ['objectId', '6650f0c2a1b2c3d4e5f60718'],
  ] as const)('passes the %s %s through unchanged', (format, id) => {
    expect(idParam(format).transform(id, { type: 'param' })).toBe(id);
  });

  it.each([
    ['uuid', 'abc'],
    ['uuid', '0b6f6a52-3d43-4c1e-9a77-2f1b3c4d5e6f0'],
    ['uuid', "0b6f6a52-3d43-4c1e-9a77-2f1b3c4d5e6' OR 1=1"],
    ['objectId', 'x'.repeat(12)],
    ['objectId', '6650f0c2a1b2c3d4e5f607180'],
    ['objectId', 'zzzzzzzzzzzzzzzzzzzzzzzz'],
  ] as const)('answers 400 VALIDATION.INVALID_ID for the %s %j', (format, id) => {
    let thrown: unknown;
    try {
      idParam(format).transform(id, { type: 'param' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    expect(thrown).toMatchObject({ code: 'VALIDATION.INVALID_ID', status: 400 });
  });
});
