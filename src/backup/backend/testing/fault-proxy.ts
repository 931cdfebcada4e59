import net from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 between a client and a real server, for breaking the network on
 * purpose: it can drop connections every N bytes, refuse everything (a dead network), stall
 * (accept but forward nothing) or slow every connection to a rate.
 */
export interface FaultProxy {
  port: number;
  /** Bytes forwarded both ways, all connections together. */
  readonly bytes: number;
  /** Connections cut on purpose. */
  readonly drops: number;
  readonly connections: number;
  /** Cut each connection once it has carried this many bytes (both ways together). */
  dropEvery: number | null;
  /** 'down': every connection is reset at once; 'stall': accepted, nothing forwarded. */
  mode: 'up' | 'down' | 'stall';
  /** Forward at most this many bytes per second per direction (null: as fast as it goes). */
  bytesPerSecond: number | null;
  /** Resets every open connection now. */
  cutAll(): void;
  close(): Promise<void>;
}

export async function startFaultProxy(targetPort: number): Promise<FaultProxy> {
  const sockets = new Set<net.Socket>();
  let bytes = 0;
  let drops = 0;
  let connections = 0;
  const state: FaultProxy = {
    port: 0,
    get bytes() {
      return bytes;
    },
    get drops() {
      return drops;
    },
    get connections() {
      return connections;
    },
    dropEvery: null,
    mode: 'up',
    bytesPerSecond: null,
    cutAll: () => {
      for (const s of sockets) s.resetAndDestroy();
    },
    close: async () => {
      state.cutAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const server = net.createServer((client) => {
    connections++;
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    if (state.mode === 'down') {
      client.resetAndDestroy();
      return;
    }
    if (state.mode === 'stall') return; // held open, never answered
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(upstream);
    upstream.on('close', () => {
      sockets.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    let carried = 0;
    const cut = () => {
      drops++;
      client.resetAndDestroy();
      upstream.resetAndDestroy();
    };
    const pipe = (from: net.Socket, to: net.Socket) => {
      const forward = (chunk: Buffer, held = false): void => {
        if (state.mode === 'down') return cut();
        // Stalled: connections stay open and nothing gets through either way until the
        // stall ends. Bytes are held, not lost: TCP never drops bytes from a live stream, and
        // a stream with a hole would desynchronise the protocol on top (a wrong answer rather
        // than a late one).
        if (state.mode === 'stall') {
          from.pause();
          setTimeout(() => {
            if (from.destroyed || to.destroyed) return;
            forward(chunk, true);
          }, 50);
          return;
        }
        bytes += chunk.length;
        carried += chunk.length;
        if (state.dropEvery && carried > state.dropEvery) {
          // Forward part of it, as a real drop in the middle of a transfer would.
          to.write(chunk.subarray(0, Math.floor(chunk.length / 2)));
          return cut();
        }
        if (!to.write(chunk)) {
          from.pause();
          to.once('drain', () => from.resume());
        } else if (state.bytesPerSecond) {
          from.pause();
          setTimeout(() => from.resume(), (chunk.length / state.bytesPerSecond) * 1000);
        } else if (held) {
          from.resume(); // the stall is over
        }
      };
      from.on('data', forward);
    };
    pipe(client, upstream);
    pipe(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  state.port = (server.address() as net.AddressInfo).port;
  return state;
}
