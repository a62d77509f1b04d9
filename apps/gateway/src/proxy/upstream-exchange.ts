import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';

type Headers = Record<string, string | string[] | undefined>;

/** An instance's answer: small bodies whole, anything else as a stream. */
export interface UpstreamResponse {
  statusCode: number;
  headers: Headers;
  body: Buffer | Readable;
}

/** The instance answered, then failed while sending the body. */
export class UpstreamBodyError extends Error {
  constructor(override readonly cause: unknown) {
    super('upstream body failed');
  }
}

/**
 * One request to an instance through undici's dispatcher API, without the stream and promise
 * chain of `pool.request()` (about a sixth of the gateway's CPU per request went there).
 * Bodies with a declared length up to `inlineLimit` are collected and resolved whole, to be
 * written with the headers in one go; larger or unsized bodies resolve at the headers as a
 * stream with backpressure (the upstream read pauses while the client is slow). Errors before
 * the headers reject as undici raised them; errors after them reject (or destroy the stream)
 * as an `UpstreamBodyError`.
 */
export function exchange(
  dispatcher: Dispatcher,
  options: Dispatcher.DispatchOptions,
  inlineLimit: number,
): Promise<UpstreamResponse> {
  return new Promise((resolve, reject) => {
    dispatcher.dispatch(options, new ExchangeHandler(inlineLimit, resolve, reject));
  });
}

class ExchangeHandler implements Dispatcher.DispatchHandler {
  private statusCode = 0;
  private headers: Headers = {};
  private chunks: Buffer[] | undefined;
  private stream: Readable | undefined;

  constructor(
    private readonly inlineLimit: number,
    private readonly resolve: (response: UpstreamResponse) => void,
    private readonly reject: (error: unknown) => void,
  ) {}

  onRequestStart(): void {
    // Present so undici treats this as a handler of its current API; nothing to do here.
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Headers,
  ): void {
    this.statusCode = statusCode;
    this.headers = headers;
    const length = Number(headers['content-length']);
    if (length <= this.inlineLimit) {
      this.chunks = [];
      return;
    }
    const stream = new Readable({
      read: () => controller.resume(),
      destroy: (error, done) => {
        // The client went away (or the body failed): stop reading from the instance.
        if (!controller.aborted) controller.abort(error ?? new Error('client gone'));
        done(error);
      },
    });
    this.stream = stream;
    this.resolve({ statusCode, headers, body: stream });
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.chunks) this.chunks.push(chunk);
    else if (this.stream && !this.stream.push(chunk)) controller.pause();
  }

  onResponseEnd(): void {
    if (this.chunks) {
      const body = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
      this.resolve({ statusCode: this.statusCode, headers: this.headers, body });
    } else {
      this.stream?.push(null);
    }
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (this.stream) {
      if (!this.stream.destroyed) this.stream.destroy(new UpstreamBodyError(error));
    } else if (this.chunks) {
      this.reject(new UpstreamBodyError(error));
    } else {
      this.reject(error);
    }
  }
}
