import { Injectable } from '@nestjs/common';
import { OnB24Event, type B24Event } from '@b24hooks/nestjs';

@Injectable()
export class DealsService {
  readonly updated: number[] = [];

  @OnB24Event('ONCRMDEALUPDATE')
  onUpdate(event: B24Event<'ONCRMDEALUPDATE'>) {
    this.updated.push(event.data.FIELDS.ID);
  }
}
