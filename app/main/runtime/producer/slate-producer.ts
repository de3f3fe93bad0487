/**
 * SlateProducer: maintenance slate ("We are experiencing technical difficulties", with
 * tone), SMPTE bars with 1 kHz tone, or a countdown. Used for maintenance mode.
 */
import type { GeneratorSpec } from '../../playout/generator-args.ts';
import { createTextFile, type TextFile } from '../../playout/text-file.ts';
import { cardSegments } from './emergency-producer.ts';
import { PlayerProducer, type ProducerTuning } from './producer-base.ts';
import type { SlatePlan } from './producer.ts';

export class SlateProducer extends PlayerProducer {
  readonly kind = 'slate' as const;
  private readonly text: TextFile | null;

  constructor(plan: { slate: SlatePlan; startMs: number }, tuning: ProducerTuning = {}, id?: string) {
    const { slate } = plan;
    const text = slate.style === 'maintenance' ? createTextFile(slate.text ?? 'Please stand by. Regular programming will resume shortly.') : null;
    const spec: GeneratorSpec =
      slate.style === 'testpattern' ? { kind: 'bars' }
      : slate.style === 'countdown' ? { kind: 'countdown', heading: slate.heading ?? 'Programming begins in', targetMs: slate.targetMs ?? plan.startMs }
      : { kind: 'slate', heading: slate.heading ?? 'We are experiencing technical difficulties', textFile: text!.path, tone: true };
    const title = slate.style === 'testpattern' ? 'Test pattern' : slate.style === 'countdown' ? 'Countdown' : 'Technical difficulties';
    const startMs = Math.floor(plan.startMs / 1000) * 1000;
    super(cardSegments('slate', title, spec, startMs), { ...tuning, strict: true, extend: (from) => cardSegments('slate', title, spec, from) }, id);
    this.text = text;
  }

  protected override cleanup(): void {
    this.text?.remove();
  }
}
