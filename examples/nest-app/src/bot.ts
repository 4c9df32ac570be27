import { Controller, HttpCode, Inject, Injectable, Post, UseGuards } from '@nestjs/common';
import { B24Event, B24EventGuard } from '@b24hooks/nestjs';
import { Public } from './auth.js';

export interface BotMessage {
  botIds: string[];
  dialog: string;
  from: string;
  text: string;
}

/** Messages waiting for an answer through imbot.message.add (not sent here: no portal in an example). */
@Injectable()
export class BotInbox {
  readonly messages: BotMessage[] = [];
}

/**
 * The chat bot's own route: B24EventGuard verifies the delivery, and the route is the handler.
 * @Public() lets Bitrix24 past the app-wide API-key guard; its application token is checked instead.
 */
@Controller('bot')
export class BotController {
  constructor(@Inject(BotInbox) private readonly inbox: BotInbox) {}

  @Post()
  @Public()
  @HttpCode(200)
  @UseGuards(B24EventGuard)
  message(@B24Event() event: B24Event<'ONIMBOTMESSAGEADD'>): { ok: true } {
    const { BOT, PARAMS, USER } = event.data;
    this.inbox.messages.push({
      botIds: Object.keys(BOT),
      dialog: String(PARAMS.DIALOG_ID),
      from: USER?.NAME ?? `user #${PARAMS.FROM_USER_ID}`,
      text: String(PARAMS.MESSAGE ?? ''),
    });
    return { ok: true };
  }
}
