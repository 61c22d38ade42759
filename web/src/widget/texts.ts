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
  // Files (R12).
  attach: 'Attach files',
  dropFiles: 'Drop files here to attach them',
  removeFile: (name: string) => `Remove ${name}`,
  retryUpload: 'Try again',
  uploadFailed: (name: string) => `${name} could not be uploaded`,
  fileType: (name: string) => `${name}: only text, PDF and image files can be sent`,
  fileTooLarge: (name: string) => `${name}: the file is larger than 20 MB`,
  fileEmpty: (name: string) => `${name}: the file is empty`,
  fileNotText: (name: string) => `${name}: the file is not text`,
  imageTooLarge: (name: string) => `${name}: the image has too many pixels`,
  imageDamaged: (name: string) => `${name}: the image cannot be read`,
  uploadCutOff: (name: string) => `${name}: the upload was cut off; try again`,
  tooManyFiles: (n: number) => `A message can carry at most ${n} files`,
  chatFilesFull: (mb: number) => `You have sent as many files in this chat as you can (${mb} MB)`,
  tooFast: (s: number) => `You are sending files too fast; try again in ${s} seconds`,
  waitForUploads: 'Wait until the files are uploaded',
  fixFailedUploads: 'Remove the files that failed, or try them again',
  download: (name: string) => `Download ${name}`,
  openImage: (name: string) => `Open ${name}`,
  closeImage: 'Close',
  fileUnavailable: 'The file could not be loaded',
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
  attach: 'Legg ved filer',
  dropFiles: 'Slipp filene her for å legge dem ved',
  removeFile: (name) => `Fjern ${name}`,
  retryUpload: 'Prøv igjen',
  uploadFailed: (name) => `${name} kunne ikke lastes opp`,
  fileType: (name) => `${name}: bare tekst-, PDF- og bildefiler kan sendes`,
  fileTooLarge: (name) => `${name}: filen er større enn 20 MB`,
  fileEmpty: (name) => `${name}: filen er tom`,
  fileNotText: (name) => `${name}: filen er ikke tekst`,
  imageTooLarge: (name) => `${name}: bildet har for mange piksler`,
  imageDamaged: (name) => `${name}: bildet kan ikke leses`,
  uploadCutOff: (name) => `${name}: opplastingen ble avbrutt; prøv igjen`,
  tooManyFiles: (n) => `En melding kan ha høyst ${n} filer`,
  chatFilesFull: (mb) => `Du har sendt så mange filer som du kan i denne chatten (${mb} MB)`,
  tooFast: (s) => `Du sender filer for fort; prøv igjen om ${s} sekunder`,
  waitForUploads: 'Vent til filene er lastet opp',
  fixFailedUploads: 'Fjern filene som feilet, eller prøv dem igjen',
  download: (name) => `Last ned ${name}`,
  openImage: (name) => `Åpne ${name}`,
  closeImage: 'Lukk',
  fileUnavailable: 'Filen kunne ikke hentes',
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
