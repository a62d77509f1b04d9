import type { Kafka } from 'kafkajs';
import { KafkaConnection } from './kafka-connection';

function connectionWith(describeGroups: jest.Mock): KafkaConnection {
  const kafka = {
    admin: () => ({ describeGroups }),
    producer: () => ({}),
  } as unknown as Kafka;
  return new KafkaConnection(kafka);
}

describe('KafkaConnection.waitForGroupCoordinator', () => {
  it('asks again until the broker names a coordinator', async () => {
    const describeGroups = jest
      .fn()
      .mockRejectedValueOnce(new Error('The group coordinator is not available'))
      .mockRejectedValueOnce(new Error('The group coordinator is not available'))
      .mockResolvedValue({ groups: [] });
    await connectionWith(describeGroups).waitForGroupCoordinator('blog');
    expect(describeGroups).toHaveBeenCalledTimes(3);
    expect(describeGroups).toHaveBeenLastCalledWith(['blog']);
  });

  it('gives up with the broker error after its deadline', async () => {
    jest.useFakeTimers({ now: 0, advanceTimers: true });
    try {
      const describeGroups = jest.fn().mockImplementation(() => {
        jest.setSystemTime(Date.now() + 20_000);
        return Promise.reject(new Error('The group coordinator is not available'));
      });
      await expect(connectionWith(describeGroups).waitForGroupCoordinator('blog')).rejects.toThrow(
        'group coordinator is not available',
      );
      expect(describeGroups.mock.calls.length).toBeGreaterThan(1);
    } finally {
      jest.useRealTimers();
    }
  });
});
