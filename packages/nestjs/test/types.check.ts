// Compile-time checks of @OnB24Event()'s typing (checked by `pnpm typecheck`, never run).
import { OnB24Event, OnB24Robot, type B24Event } from '@b24hooks/nestjs';
import { defineRobot, type B24RobotCall, type B24RobotPropertyValues } from '@b24hooks/core';

export class Typed {
  @OnB24Event('ONCRMDEALUPDATE')
  exact(event: B24Event<'ONCRMDEALUPDATE'>): number {
    return event.data.FIELDS.ID;
  }

  @OnB24Event(['ONCRMDEALADD', 'ONCRMDEALUPDATE'])
  list(event: B24Event<'ONCRMDEALADD' | 'ONCRMDEALUPDATE'>): string {
    return event.name;
  }

  @OnB24Event('ONCRMDEAL*')
  prefix(event: B24Event<'ONCRMDEALADD' | 'ONCRMDEALUPDATE' | 'ONCRMDEALDELETE' | 'ONCRMDEALUSERFIELDADD' | 'ONCRMDEALUSERFIELDUPDATE' | 'ONCRMDEALUSERFIELDDELETE' | 'ONCRMDEALUSERFIELDSETENUMVALUES' | 'ONCRMDEALRECURRINGADD' | 'ONCRMDEALRECURRINGUPDATE' | 'ONCRMDEALRECURRINGDELETE' | 'ONCRMDEALRECURRINGEXPOSE' | 'ONCRMDEALMOVETOCATEGORY'>): void {
    void event;
  }

  @OnB24Event('ONCRMDEAL*')
  broad(event: B24Event): void {
    void event;
  }

  @OnB24Event('ONCRMDYNAMICITEMADD_147')
  family(event: B24Event<'ONCRMDYNAMICITEMADD_147'>): void {
    void event;
  }

  @OnB24Event('ONSOMETHINGNEW')
  unknown(event: B24Event<string>): void {
    void event.raw;
  }

  @OnB24Event('ONTASKADD')
  none(): void {}

  // @ts-expect-error the pattern cannot deliver a task event to a deal handler
  @OnB24Event('ONCRMDEALUPDATE')
  wrong(event: B24Event<'ONTASKADD'>): void {
    void event;
  }

  // @ts-expect-error 'ONCRMDEAL*' delivers more than ONCRMDEALADD
  @OnB24Event('ONCRMDEAL*')
  tooNarrow(event: B24Event<'ONCRMDEALADD'>): void {
    void event;
  }
}

// Compile-time checks of @OnB24Robot()'s typing: the method's call and return value from the definition.
const quote = defineRobot({
  code: 'quote',
  name: 'Quote',
  properties: { amount: { type: 'double', required: true }, vip: { type: 'bool' } },
  returnProperties: { price: { type: 'double', required: true } },
});
type QuoteCall = B24RobotCall<B24RobotPropertyValues<typeof quote.properties>>;

export class TypedRobots {
  @OnB24Robot(quote)
  exact(call: QuoteCall): { price: number } {
    return { price: call.properties.amount * (call.properties.vip ? 0.9 : 1) };
  }

  @OnB24Robot(quote)
  async later(call: QuoteCall): Promise<{ price: number }> {
    return { price: call.properties.amount };
  }

  @OnB24Robot('by_code')
  byCode(call: B24RobotCall): Record<string, unknown> {
    return { echo: call.properties.anything };
  }

  // @ts-expect-error price is required by the definition
  @OnB24Robot(quote)
  missing(_call: QuoteCall): { other: number } {
    return { other: 1 };
  }

  // @ts-expect-error the definition's amount is a number, not text
  @OnB24Robot(quote)
  wrongCall(call: B24RobotCall<{ amount: string }>): { price: number } {
    return { price: Number(call.properties.amount) };
  }
}
