// The response shapes the page reads, as the services document them in their OpenAPI
// (GET /docs on the gateway); only the fields used here.

export interface Page<T> {
  items: T[];
  page: number;
  limit: number;
  total: number;
}

export interface User {
  id: string;
  email: string;
  displayName: string;
  roles: string[];
}

export interface AccessToken {
  accessToken: string;
  tokenType: string;
  expiresIn: number;
}

export interface Series {
  id: string;
  title: string;
  genres: string[];
  synopsis: string;
  status: string;
  thumbnailUrl: string | null;
  viewCount: number;
  episodeCount: number;
}

export interface EpisodeSummary {
  id: string;
  no: number;
  title: string;
  priceCoins: number;
  publishedAt: string;
}

export interface Episode extends EpisodeSummary {
  webtoonId: string;
  imageUrls: string[];
}

export type PurchaseStatus = 'pending' | 'completed' | 'declined' | 'expired';

export interface Purchase {
  purchaseId: string;
  status: PurchaseStatus;
  declineReason?: string;
  expiredReason?: string;
}

export interface Wallet {
  walletId: string;
  balance: number;
  status: 'open' | 'closed';
}

export interface Transaction {
  transactionId: string;
  kind: string;
  reference: string;
  amount: number;
  balanceAfter: number;
  createdAt: string;
}

export interface TopUp {
  topUpId: string;
  amount: number;
  balanceAfter: number;
}

export interface Article {
  id: string;
  title: string;
  body: string;
  category: string;
  authorId: string;
  publishedAt: string | null;
  createdAt: string;
}

export interface Author {
  id: string | null;
  displayName: string;
}

export interface BlogPost {
  id: string;
  title: string;
  body: string;
  author: Author;
  publishedAt: string;
}

export interface BlogComment {
  id: string;
  body: string;
  author: Author;
  createdAt: string;
}

export interface BlogPostDetail extends BlogPost {
  comments: BlogComment[];
  commentsTotal: number;
}

/** GET /api/platform/overview (the gateway; admins only). */
export interface ServiceOverview {
  service: string;
  status: 'up' | 'down';
  circuit: 'closed' | 'open' | 'half-open';
  instances: { id: string; address: string; port: number; version?: string; health: string }[];
  requestsPerSecond?: number;
  errorRatio?: number | null;
  p99Seconds?: number | null;
  rateHistory?: number[];
  instanceHistory?: number[];
}

export interface Count {
  name: string;
  count: number;
}

export interface PlatformOverview {
  generatedAt: string;
  historyStepSeconds: number;
  services: ServiceOverview[];
  events?: { type: string; total: number; perMinute: number }[];
  deadLetters?: { service: string; group: string; type: string; count: number }[];
  saga?: { pending: number; settled: Count[] };
  metrics: { available: boolean; reason?: string };
}
