import { RoutableInstances, type HealthEntry } from './consul-watcher';

const entry = (id: string, status: 'passing' | 'critical'): HealthEntry => ({
  Node: { Address: '10.0.0.1' },
  Service: { ID: id, Address: '', Port: 3000, Meta: null },
  Checks: [{ Status: 'passing' }, { Status: status }],
});
const ids = (entries: HealthEntry[]) => entries.map((e) => e.Service.ID);

describe('RoutableInstances', () => {
  it('routes to the passing instances only while any passes', () => {
    const routable = new RoutableInstances();
    expect(ids(routable.select([entry('a', 'passing'), entry('b', 'critical')]))).toEqual(['a']);
  });

  it('routes to the instances that passed before when none passes (panic routing)', () => {
    const routable = new RoutableInstances();
    routable.select([entry('a', 'passing'), entry('b', 'passing'), entry('c', 'critical')]);
    const panic = routable.select([
      entry('a', 'critical'),
      entry('b', 'critical'),
      entry('c', 'critical'),
    ]);
    expect(ids(panic)).toEqual(['a', 'b']);
  });

  it('gives nothing to an instance that never passed', () => {
    const routable = new RoutableInstances();
    expect(routable.select([entry('starting', 'critical')])).toEqual([]);
  });

  it('forgets an instance once it is deregistered, so it does not come back as having passed', () => {
    const routable = new RoutableInstances();
    routable.select([entry('a', 'passing'), entry('b', 'passing')]);
    routable.select([entry('b', 'passing')]);
    expect(ids(routable.select([entry('a', 'critical'), entry('b', 'critical')]))).toEqual(['b']);
  });

  it('keeps what each instance of its own service did, apart from another one', () => {
    const webtoon = new RoutableInstances();
    const news = new RoutableInstances();
    webtoon.select([entry('w1', 'passing')]);
    expect(news.select([entry('w1', 'critical')])).toEqual([]);
    expect(ids(webtoon.select([entry('w1', 'critical')]))).toEqual(['w1']);
  });
});
