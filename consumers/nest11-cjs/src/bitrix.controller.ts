import { Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { B24Event, B24EventGuard } from '@b24hooks/nestjs';

@Controller('bitrix')
export class BitrixController {
  @Post('tasks')
  @HttpCode(200)
  @UseGuards(B24EventGuard)
  task(@B24Event() event: B24Event<'ONTASKADD'>) {
    return { received: event.name };
  }
}
