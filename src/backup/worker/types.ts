/** Shapes shared by the client and the worker that do not depend on the engine's classes. */
export interface ProgressLike {
  phase: string;
  itemsDone: number;
  itemsTotal: number;
  bytesDone: number;
  bytesTotal: number;
  etaMs: number | null;
}
