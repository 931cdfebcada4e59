export {
  generateBundles,
  generateStore,
  SEED_SOURCE,
  type GenerateOptions,
  type GenerateStoreOptions,
  type GenerateSummary,
  type MediaSink,
} from './generate.js';
export { RARE_WORDS } from './text.js';
export { Random, zipfSplit } from './random.js';
