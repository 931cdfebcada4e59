import { describe, expect, it } from 'vitest';
import { ProtoWriter } from '../core/protobuf.js';
import { decodeFrame } from './frame.js';

function statement(values: bigint[]): Uint8Array {
  const s = new ProtoWriter().string(1, 'INSERT INTO t VALUES (?)');
  for (const v of values) s.message(2, new ProtoWriter().uint(2, BigInt.asUintN(64, v)));
  return new ProtoWriter().message(2, s).finish();
}

describe('statement frames', () => {
  it('read Java longs back signed, as numbers while exact and as BigInt beyond', () => {
    const edges = [
      0n,
      1n,
      -1n,
      -2n,
      127n,
      128n,
      2n ** 49n,
      2n ** 53n - 1n,
      -(2n ** 53n) + 1n,
      2n ** 53n,
      -(2n ** 53n),
      2n ** 63n - 1n,
      -(2n ** 63n),
      -(2n ** 32n),
      2n ** 32n - 1n,
      -1_700_000_000_000n,
    ];
    const frame = decodeFrame(statement(edges));
    expect(frame.type).toBe('statement');
    const params = frame.type === 'statement' ? frame.sql.params : [];
    expect(params.map((p) => (typeof p === 'number' ? BigInt(p) : p))).toEqual(edges);
    for (const [i, p] of params.entries()) {
      const safe =
        (edges[i] as bigint) >= BigInt(Number.MIN_SAFE_INTEGER) &&
        (edges[i] as bigint) <= BigInt(Number.MAX_SAFE_INTEGER);
      expect(typeof p).toBe(safe ? 'number' : 'bigint');
    }
  });
});
