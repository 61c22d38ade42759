// Every string the customer sees in the widget frame, in English and
// Norwegian (bokmål). Both dictionaries have exactly the same keys (a test
// checks it); a key whose value is a function takes the variable part of the
// sentence, so word order can differ between languages.
//
// The loader (loader.ts) cannot import this module without leaking bundled
// names into the host page, so it keeps its own copy of the few strings it
// shows (launcher, close, iframe title); loader.test.ts checks that they agree.

export type Lang = 'en' | 'nb';

const en = {
  title: 'Chat with us',
  frameTitle: 'Chat',
  unread: (n: number) => (n === 1 ? '1 unread message' : `${n} unread messages`),
  intro: 'Hi! Write to us here, and one of our people will answer.',
  nameLabel: 'Your name (optional)',
  queueLabel: 'What can we help you with?',
  queueFixed: (queue: string) => `You will chat with: ${queue}`,
  startChat: 'Start chat',
  starting: 'Starting…',
  loading: 'Loading…',
  noAgents: 'No agent is logged in right now. You can still start the chat; it will wait in the queue.',
  loadError: 'Could not load the chat.',
  networkError: 'Could not reach the server. Check your connection and try again.',
  retry: 'Try again',
  noQueues: 'Chat is not available right now.',
  chatGone: 'Your previous chat is no longer available. You can start a new one.',
  endChat: 'End chat',
  minimise: 'Minimise',
  you: 'You',
  agent: 'Agent',
  joined: (name: string) => `${name} joined the chat`,
  left: (name: string) => `${name} left the chat`,
  requeued: 'Your agent lost the connection. You are first in the queue again.',
  endedByYou: 'You ended the chat',
  endedByAgent: 'The agent ended the chat',
  position: (n: number) => `You are number ${n} in the queue`,
  waiting: 'Waiting for an agent…',
  typing: (name: string) => `${name} is typing…`,
  messageLabel: 'Message',
  messagePlaceholder: 'Write a message…',
  send: 'Send',
  sending: 'Sending…',
  failed: 'Not sent',
  reconnecting: 'Reconnecting…',
  connecting: 'Connecting…',
  confirmEndTitle: 'End the chat?',
  confirmEndText: 'You will not be able to send more messages in this chat.',
  cancel: 'Cancel',
  endedNote: 'This chat has ended. Thank you for contacting us!',
  newChat: 'Start a new chat',
  closed: 'Closed',
  closedNow: (queue: string) => `${queue} is closed now.`,
  opensAt: (when: string) => `Opens ${when}.`,
  allClosed: 'We are closed right now.',
  preview: 'Preview: this is how the widget looks on your site.',
};

export type Texts = typeof en;

const nb: Texts = {
  title: 'Chat med oss',
  frameTitle: 'Chat',
  unread: (n) => (n === 1 ? '1 ulest melding' : `${n} uleste meldinger`),
  intro: 'Hei! Skriv til oss her, så svarer en av oss.',
  nameLabel: 'Navnet ditt (valgfritt)',
  queueLabel: 'Hva kan vi hjelpe deg med?',
  queueFixed: (queue) => `Du chatter med: ${queue}`,
  startChat: 'Start chat',
  starting: 'Starter…',
  loading: 'Laster…',
  noAgents: 'Ingen rådgiver er logget inn akkurat nå. Du kan likevel starte chatten; den venter i køen.',
  loadError: 'Kunne ikke laste chatten.',
  networkError: 'Får ikke kontakt med serveren. Sjekk tilkoblingen og prøv igjen.',
  retry: 'Prøv igjen',
  noQueues: 'Chat er ikke tilgjengelig akkurat nå.',
  chatGone: 'Den forrige chatten din er ikke lenger tilgjengelig. Du kan starte en ny.',
  endChat: 'Avslutt chat',
  minimise: 'Minimer',
  you: 'Du',
  agent: 'Rådgiver',
  joined: (name) => `${name} ble med i chatten`,
  left: (name) => `${name} forlot chatten`,
  requeued: 'Rådgiveren din mistet forbindelsen. Du er først i køen igjen.',
  endedByYou: 'Du avsluttet chatten',
  endedByAgent: 'Rådgiveren avsluttet chatten',
  position: (n) => `Du er nummer ${n} i køen`,
  waiting: 'Venter på en rådgiver…',
  typing: (name) => `${name} skriver…`,
  messageLabel: 'Melding',
  messagePlaceholder: 'Skriv en melding…',
  send: 'Send',
  sending: 'Sender…',
  failed: 'Ikke sendt',
  reconnecting: 'Kobler til igjen…',
  connecting: 'Kobler til…',
  confirmEndTitle: 'Avslutte chatten?',
  confirmEndText: 'Du kan ikke sende flere meldinger i denne chatten.',
  cancel: 'Avbryt',
  endedNote: 'Chatten er avsluttet. Takk for at du tok kontakt!',
  newChat: 'Start en ny chat',
  closed: 'Stengt',
  closedNow: (queue) => `${queue} er stengt nå.`,
  opensAt: (when) => `Åpner ${when}.`,
  allClosed: 'Vi er stengt akkurat nå.',
  preview: 'Forhåndsvisning: slik ser widgeten ut på nettstedet deres.',
};

/** dictionaries holds the texts of each supported language. */
export const dictionaries: Record<Lang, Texts> = { en, nb };

/** parseLang returns the language named by s, or English for anything else. */
export function parseLang(s: string | null | undefined): Lang {
  return s === 'nb' || s === 'no' || s === 'nn' ? 'nb' : 'en';
}

/** textsFor returns the dictionary for the language named by s (default English). */
export function textsFor(s: string | null | undefined): Texts {
  return dictionaries[parseLang(s)];
}
