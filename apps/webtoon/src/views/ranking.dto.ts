import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

/** Years before 1970 are no one's views; PostgreSQL has no year 0 and refuses it. */
const UTC_DAY = /^(19[7-9]\d|[2-9]\d{3})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export class RankingQuery {
  @ApiPropertyOptional({
    description: 'UTC day, YYYY-MM-DD, from 1970-01-01 to 9999-12-31; default today',
    example: '2026-01-31',
    pattern: UTC_DAY.source,
  })
  @IsOptional()
  @Matches(UTC_DAY, { message: 'date must be a day from 1970-01-01 to 9999-12-31 (YYYY-MM-DD)' })
  date?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 50, default: 10 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50)
  limit = 10;
}

export class RankingEntryDto {
  @ApiProperty() rank!: number;
  @ApiProperty({ format: 'uuid' }) webtoonId!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ nullable: true, type: String }) thumbnailUrl!: string | null;
  @ApiProperty({ type: [String] }) genres!: string[];
  @ApiProperty() views!: number;
}

export class RankingDto {
  @ApiProperty() date!: string;
  @ApiProperty({ type: [RankingEntryDto] }) items!: RankingEntryDto[];
}
