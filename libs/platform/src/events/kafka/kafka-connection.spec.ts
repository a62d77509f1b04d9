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

describe('KafkaConnection.send', () => {
  const outOfOrder = Object.assign(
    new Error('The broker received an out of order sequence number'),
    { type: 'OUT_OF_ORDER_SEQUENCE_NUMBER' },
  );
  const event = { topic: 't', key: 'k', value: '{}', headers: {} };

  function connectionWithProducers(...producers: { sendBatch: jest.Mock }[]) {
    const made = producers.map((p) => ({
      ...p,
      connect: jest.fn().mockResolvedValue(undefined),
      disconnect: jest.fn().mockResolvedValue(undefined),
    }));
    let next = 0;
    const kafka = { admin: () => ({}), producer: () => made[next++] } as unknown as Kafka;
    return { connection: new KafkaConnection(kafka), made };
  }

  it('replaces a producer the broker lost track of, so the retried batch goes out', async () => {
    const { connection, made } = connectionWithProducers(
      { sendBatch: jest.fn().mockRejectedValue(outOfOrder) },
      { sendBatch: jest.fn().mockResolvedValue([]) },
    );
    await expect(connection.send([event])).rejects.toBe(outOfOrder);
    await connection.send([event]);
    expect(made[0].disconnect).toHaveBeenCalledTimes(1);
    expect(made[1].connect).toHaveBeenCalledTimes(1);
    expect(made[1].sendBatch).toHaveBeenCalledTimes(1);
  });

  it('recognises the error inside a retry that ran out', async () => {
    const exhausted = Object.assign(new Error('retries exhausted'), { originalError: outOfOrder });
    const { connection, made } = connectionWithProducers(
      { sendBatch: jest.fn().mockRejectedValue(exhausted) },
      { sendBatch: jest.fn().mockResolvedValue([]) },
    );
    await expect(connection.send([event])).rejects.toBe(exhausted);
    await connection.send([event]);
    expect(made[1].sendBatch).toHaveBeenCalledTimes(1);
  });

  it('keeps its producer on other failures (a broker that is away)', async () => {
    const away = Object.assign(new Error('Connection error'), { type: undefined });
    const { connection, made } = connectionWithProducers({
      sendBatch: jest.fn().mockRejectedValueOnce(away).mockResolvedValue([]),
    });
    await expect(connection.send([event])).rejects.toBe(away);
    await connection.send([event]);
    expect(made[0].sendBatch).toHaveBeenCalledTimes(2);
    expect(made[0].disconnect).not.toHaveBeenCalled();
  });
});
