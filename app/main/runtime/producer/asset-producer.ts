/**
 * AssetProducer: airs the schedule's segments (files, black, slates) with a disposable
 * decoder per segment. Missing or broken media airs the error slate for its slot.
 */
import { PlayerProducer, type ProducerTuning } from './producer-base.ts';
import type { PlayoutSegment } from './producer.ts';

export class AssetProducer extends PlayerProducer {
  readonly kind = 'asset' as const;
  constructor(segments: PlayoutSegment[], tuning: ProducerTuning = {}, id?: string) {
    super(segments, tuning, id);
  }
}
