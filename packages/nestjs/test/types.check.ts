// Compile-time checks of @OnB24Event()'s typing (checked by `pnpm typecheck`, never run).
import { OnB24Event, type B24Event } from '@b24hooks/nestjs';

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
