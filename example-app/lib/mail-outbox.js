import { randomUUID } from 'node:crypto';
import express from 'express';

const KEPT = 50;

/**
 * The development mail outbox: instead of sending mail, the newsroom keeps its last mails in
 * memory, shows them on the /outbox page and prints them to the console. A real deployment
 * replaces `send` with its mailer (the package only hands over the address and the link).
 */
export class MailOutbox {
  #mails = [];

  constructor(log = console.log) {
    this.log = log;
  }

  /** Keeps (and prints) one mail: `kind` is `confirmation`, `reset` or `notice`. */
  send({ to, kind, subject, text, link }) {
    const mail = { id: randomUUID(), to, kind, subject, text, link, sentAt: new Date() };
    this.#mails.unshift(mail);
    this.#mails.length = Math.min(this.#mails.length, KEPT);
    this.log(`example-app: mail to ${to}: ${subject}${link ? `: ${link}` : ''}`);
    return mail;
  }

  list() {
    return this.#mails.map((m) => ({ id: m.id, to: m.to, kind: m.kind, subject: m.subject, text: m.text, link: m.link ?? null, sent_at: m.sentAt.toISOString() }));
  }
}

/** The mails local-userpass sends: confirmation, reset, and the notice to an address already registered. */
export function userpassMail(outbox) {
  return {
    confirmation: ({ email, url }) =>
      outbox.send({
        to: email,
        kind: 'confirmation',
        subject: 'Confirm your address for The Newsroom',
        text: 'Someone (hopefully you) created a journalist account with this address. Open the link to confirm it; it works once, within 30 minutes.',
        link: url,
      }),
    reset: ({ email, url }) =>
      outbox.send({
        to: email,
        kind: 'reset',
        subject: 'Reset your Newsroom password',
        text: 'Open the link to choose a new password; it works once, within 30 minutes. If you did not ask for it, ignore this mail.',
        link: url,
      }),
    existingAccount: ({ email }) =>
      outbox.send({
        to: email,
        kind: 'notice',
        subject: 'Someone tried to register your address',
        text: 'This address already has a Newsroom account, so nothing changed. Forgot your password? Use “Forgot password” on the sign-in page.',
      }),
  };
}

/** `GET /` (under /api/dev/outbox): the mails, newest first. Mounted only outside production. */
export function outboxRoutes(outbox) {
  const router = express.Router();
  router.get('/', (_req, res) => void res.set('Cache-Control', 'no-store').json({ mails: outbox.list() }));
  return router;
}
