'use strict';
const express = require('express');
const { createReceiver, B24HookError } = require('@b24hooks/core');
const { b24hooks } = require('@b24hooks/express');

function createApp(token) {
  const deals = [];
  const refusals = [];
  const receiver = createReceiver({ token });
  receiver.on('ONCRMDEALUPDATE', (event) => {
    deals.push(event.data.FIELDS.ID);
  });

  const app = express();
  app.post('/b24', b24hooks(receiver));
  app.post('/b24/own', b24hooks(receiver, { respond: false }), (req, res) => {
    res.json({ received: req.b24event.name });
  });
  // Refusals reach the app's error handler as B24HookError, with their status.
  app.use((error, req, res, next) => {
    if (!(error instanceof B24HookError)) return next(error);
    refusals.push(error.code);
    res.status(error.status).json(error.toErrorBody());
  });
  return { app, deals, refusals };
}

module.exports = { createApp };
