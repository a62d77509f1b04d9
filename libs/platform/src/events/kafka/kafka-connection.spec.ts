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
    const describeGroups = jest
      .fn()
      .mockRejectedValue(new Error('The group coordinator is not available'));
    await expect(
      connectionWith(describeGroups).waitForGroupCoordinator('blog', 250),
    ).rejects.toThrow('group coordinator is not available');
    expect(describeGroups.mock.calls.length).toBeGreaterThan(1);
  });
});
