export { ensureBaseImage } from './base';
export {
  appImage,
  buildAppImages,
  buildInfraImages,
  buildLoadImage,
  defaultTag,
  INFRA_NAMES,
} from './build';
export type { BuiltImage } from './build';
export { engineStatus, imageId, REPO_ROOT, requireEngine } from './engine';
export { ImageError, Progress } from './run';
export * from './versions';
export { compose, composeDown, composeUp, containers } from './compose';
export { gatewayClient, platformRoundTrip, until, type RoundTrip } from './round-trip';
