/**
 * Every pinned version of the dev cluster, in one place. Binaries are cached by version, so
 * changing one here is all it takes: the next `up` builds it (a relink when the Go cache is warm).
 */
export const KUBERNETES_VERSION = '1.34.4';
export const ETCD_VERSION = '3.6.16';
export const METRICS_SERVER_VERSION = '0.8.0';
export const COREDNS_VERSION = '1.14.7';
/** CNCF Distribution: the image registry the pipeline pushes to and the node pulls from. */
export const DISTRIBUTION_VERSION = '3.1.2';
/** Bumped when the generated pause or probe program changes (their image tags). */
export const LOCAL_IMAGES_REVISION = '1';
