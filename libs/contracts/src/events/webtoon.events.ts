export interface EpisodePublishedV1 {
  webtoonId: string;
  webtoonTitle: string;
  episodeId: string;
  episodeNo: number;
  title: string;
  authorId: string;
  /** 0 for a free episode. */
  priceCoins: number;
  publishedAt: string;
}

export interface PurchaseRequestedV1 {
  purchaseId: string;
  userId: string;
  webtoonId: string;
  episodeNo: number;
  priceCoins: number;
}
