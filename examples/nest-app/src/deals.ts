import { Controller, Get, Inject, Injectable } from '@nestjs/common';
import { OnB24Event, type B24Event } from '@b24hooks/nestjs';

export interface DealChange {
  id: number;
  change: 'added' | 'updated' | 'deleted';
  portal: string;
  at: string;
}

/** What changed in the portal's deals, newest first: a stand-in for a CRM mirror's queue. */
@Injectable()
export class DealChanges {
  private readonly changes: DealChange[] = [];

  record(event: B24Event<'ONCRMDEALADD' | 'ONCRMDEALUPDATE' | 'ONCRMDEALDELETE'>): void {
    const change = event.name === 'ONCRMDEALADD' ? 'added' : event.name === 'ONCRMDEALUPDATE' ? 'updated' : 'deleted';
    this.changes.unshift({ id: event.data.FIELDS.ID, change, portal: event.portal.domain, at: event.timestamp.toISOString() });
    this.changes.length = Math.min(this.changes.length, 100);
  }

  latest(): readonly DealChange[] {
    return this.changes;
  }
}

/** Fed by the module route (`path: '/b24'`): each method runs for the events it names. */
@Injectable()
export class DealHandlers {
  constructor(@Inject(DealChanges) private readonly changes: DealChanges) {}

  @OnB24Event(['ONCRMDEALADD', 'ONCRMDEALUPDATE', 'ONCRMDEALDELETE'])
  dealChanged(event: B24Event<'ONCRMDEALADD' | 'ONCRMDEALUPDATE' | 'ONCRMDEALDELETE'>): void {
    this.changes.record(event);
  }
}

/** The app's own API (behind the API-key guard). */
@Controller('deals')
export class DealsController {
  constructor(@Inject(DealChanges) private readonly changes: DealChanges) {}

  @Get('changes')
  list(): readonly DealChange[] {
    return this.changes.latest();
  }
}
