import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsOptional } from 'class-validator';
import { IntRange } from './validation';

export const MAX_PAGE_SIZE = 100;
/** Deep pages cost a skip over every earlier row; nobody reads 1000 pages back. */
export const MAX_PAGE = 1000;

/** `?page=&limit=`, 1-based, bounded so no request can ask for an unbounded scan. */
export class PageQuery {
  @ApiPropertyOptional({ default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IntRange(1, MAX_PAGE)
  page = 1;

  @ApiPropertyOptional({ default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IntRange(1, MAX_PAGE_SIZE)
  limit = 20;
}

export interface Page<T> {
  items: T[];
  page: number;
  limit: number;
  total: number;
}
