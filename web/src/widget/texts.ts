// Every string the customer sees in the widget frame, in English and
// Norwegian (bokmål). Both dictionaries have exactly the same keys (a test
// checks it); a key whose value is a function takes the variable part of the
// sentence, so word order can differ between languages.
//
// The loader (loader.ts) cannot import this module without leaking bundled
// names into the host page, so it keeps its own copy of the few strings it
// shows (launcher, close, iframe title); loader.test.ts checks that they agree.
// The texts of server errors are in reasonTexts, by reason key.

import type { ReasonTexts } from '../common/errors';
import { fileReasonsEn, fileReasonsNb } from '../common/fileReasons';

export type Lang = 'en' | 'nb';

/** minutes rounds a wait in seconds to whole minutes, for "about N minutes". */
function minutes(seconds: number): number {
  return Math.max(1, Math.round(seconds / 60));
}

const en = {
  title: 'Chat with us',
  frameTitle: 'Chat',
  unread: (n: number) => (n === 1 ? '1 unread message' : `${n} unread messages`),
  intro: 'Hi! Write to us here, and one of our people will answer.',
  nameLabel: 'Your name (optional)',
  phoneLabel: 'Your phone number (optional)',
  signInNeeded: 'This is a secure chat: sign in first, so that we know it is you.',
  signInNeededByPage: 'This is a secure chat: sign in on this website first.',
  signIn: 'Sign in',
  signingIn: 'Waiting for the sign-in…',
  signedIn: 'You are signed in.',
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
  transferred: 'You are being transferred to another agent. Please wait a moment.',
  endedByYou: 'You ended the chat',
  endedByAgent: 'The agent ended the chat',
  position: (n: number) => `You are number ${n} in the queue`,
  expectedWait: (seconds: number) =>
    seconds < 60 ? 'Expected wait: less than a minute' : seconds >= 3600 ? 'Expected wait: more than an hour' : `Expected wait: about ${minutes(seconds)} ${minutes(seconds) === 1 ? 'minute' : 'minutes'}`,
  waitUnknown: "We can't tell how long the wait will be right now.",
  endedAway: 'The chat ended because you were away for a while.',
  messagesLabel: 'Messages',
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
  chatActions: 'Save or delete this chat',
  close: 'Close',
  downloadTranscript: 'Download the conversation',
  downloading: 'Preparing the download…',
  downloaded: 'The conversation is downloaded.',
  emailTranscript: 'Send it to me by e-mail',
  emailLabel: 'Your e-mail address',
  emailSend: 'Send',
  emailSending: 'Sending…',
  emailSent: (address: string) => `The conversation is on its way to ${address}. It may take a few minutes.`,
  deleteWhenEnded: 'Delete this chat when it ends',
  deleteNow: 'Delete this chat',
  confirmDeleteTitle: 'Delete the chat?',
  confirmDeleteOpen:
    'We will delete this chat and everything in it once it has ended. Download it first if you want to keep a copy.',
  confirmDeleteEnded: 'We will delete this chat and everything in it now. Download it first if you want to keep a copy.',
  deleteConfirm: 'Delete',
  deleteRequested: 'This chat will be deleted when it ends.',
  chatDeleted: 'Your chat has been deleted.',
  erasureRequested: 'You asked for this chat to be deleted when it ends',
  // Choice menus (R9).
  menuChosen: (label: string) => `You chose: ${label}`,
  menuWithdrawn: 'This choice is no longer available.',
  menuChosenMark: 'chosen',
  closed: 'Closed',
  closedNow: (queue: string) => `${queue} is closed now.`,
  opensAt: (when: string) => `Opens ${when}.`,
  allClosed: 'We are closed right now.',
  preview: 'Preview: this is how the widget looks on your site.',
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
  phoneLabel: 'Telefonnummeret ditt (valgfritt)',
  signInNeeded: 'Dette er en sikker chat: logg inn først, så vi vet at det er deg.',
  signInNeededByPage: 'Dette er en sikker chat: logg inn på nettstedet først.',
  signIn: 'Logg inn',
  signingIn: 'Venter på innloggingen…',
  signedIn: 'Du er logget inn.',
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
  transferred: 'Du blir satt over til en annen rådgiver. Vent litt.',
  endedByYou: 'Du avsluttet chatten',
  endedByAgent: 'Rådgiveren avsluttet chatten',
  position: (n) => `Du er nummer ${n} i køen`,
  expectedWait: (seconds) =>
    seconds < 60 ? 'Forventet ventetid: under ett minutt' : seconds >= 3600 ? 'Forventet ventetid: over en time' : `Forventet ventetid: omtrent ${minutes(seconds)} ${minutes(seconds) === 1 ? 'minutt' : 'minutter'}`,
  waitUnknown: 'Vi kan ikke si hvor lang ventetiden blir akkurat nå.',
  endedAway: 'Chatten ble avsluttet fordi du var borte en stund.',
  messagesLabel: 'Meldinger',
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
  chatActions: 'Lagre eller slett chatten',
  close: 'Lukk',
  downloadTranscript: 'Last ned samtalen',
  downloading: 'Gjør klar nedlastingen…',
  downloaded: 'Samtalen er lastet ned.',
  emailTranscript: 'Send den til meg på e-post',
  emailLabel: 'E-postadressen din',
  emailSend: 'Send',
  emailSending: 'Sender…',
  emailSent: (address) => `Samtalen er på vei til ${address}. Det kan ta noen minutter.`,
  deleteWhenEnded: 'Slett chatten når den er avsluttet',
  deleteNow: 'Slett chatten',
  confirmDeleteTitle: 'Slette chatten?',
  confirmDeleteOpen:
    'Vi sletter chatten og alt i den når den er avsluttet. Last den ned først hvis du vil ha en kopi.',
  confirmDeleteEnded: 'Vi sletter chatten og alt i den nå. Last den ned først hvis du vil ha en kopi.',
  deleteConfirm: 'Slett',
  deleteRequested: 'Chatten slettes når den er avsluttet.',
  chatDeleted: 'Chatten din er slettet.',
  erasureRequested: 'Du ba om at chatten slettes når den er avsluttet',
  menuChosen: (label) => `Du valgte: ${label}`,
  menuWithdrawn: 'Dette valget er ikke lenger tilgjengelig.',
  menuChosenMark: 'valgt',
  closed: 'Stengt',
  closedNow: (queue) => `${queue} er stengt nå.`,
  opensAt: (when) => `Åpner ${when}.`,
  allClosed: 'Vi er stengt akkurat nå.',
  preview: 'Forhåndsvisning: slik ser widgeten ut på nettstedet deres.',
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

// The widget's texts for the server errors a customer meets, by reason key
// (../common/reasons.en.json lists every reason with the server's English;
// a test checks that these keys and their placeholders are the server's).
// Any other reason shows the server's English message.
const enReasons = {
  name_too_long: 'The name is longer than {max} characters.',
  name_not_one_line: 'The name must be on one line.',
  name_control_character: 'The name contains a control character.',
  queue_required: 'Choose what we can help you with.',
  queue_not_found: 'This choice is no longer available. Reload the page and try again.',
  chat_start_retry: 'The chat could not be started; try again.',
  server_busy: 'The server is busy; try again.',
  database_unavailable: 'The chat is not available right now; try again.',
  internal: 'Something went wrong; try again.',
  email_invalid: 'That is not an e-mail address.',
  transcript_mails_exhausted: 'This conversation has been e-mailed {max} times already.',
  transcript_addresses_exhausted: 'This conversation can be e-mailed to at most {max} addresses.',
  mail_not_set_up: 'E-mail is not available here.',
  erasure_not_offered: 'Chats cannot be deleted from here; ask us instead.',
  erasure_already_requested: 'You have already asked for this chat to be deleted.',
  chat_not_found: 'This chat no longer exists.',
  menu_answered: 'This menu has been answered already.',
  menu_withdrawn: 'This menu is no longer available.',
  chat_ended: 'This chat has ended.',
  verification_required: 'Please sign in before you start a chat here.',
  oidc_unavailable: 'The sign-in service cannot be reached; try again.',
  too_many_chat_starts: 'Too many chat starts from your network; wait {seconds} s and try again.',
  too_many_new_chats: 'Too many new chats from your network; wait {seconds} s and try again.',
  too_many_windows: 'This chat is open in too many windows (at most {max}); close one of them.',
  customer_token_unknown: 'This chat can no longer be found; start a new one.',
  ...fileReasonsEn,

  // When the server cannot say anything (common/errors.ts, clientReasons).
  server_unreachable: 'The server cannot be reached.',
  connection_lost: 'The connection was lost; try again.',
  no_answer: 'The server did not answer in time; try again.',
};

const nbReasons: Record<keyof typeof enReasons, string> = {
  name_too_long: 'Navnet er lengre enn {max} tegn.',
  name_not_one_line: 'Navnet må stå på én linje.',
  name_control_character: 'Navnet inneholder et kontrolltegn.',
  queue_required: 'Velg hva vi kan hjelpe deg med.',
  queue_not_found: 'Dette valget finnes ikke lenger. Last inn siden på nytt og prøv igjen.',
  chat_start_retry: 'Chatten kunne ikke startes; prøv igjen.',
  server_busy: 'Serveren er opptatt; prøv igjen.',
  database_unavailable: 'Chatten er ikke tilgjengelig akkurat nå; prøv igjen.',
  internal: 'Noe gikk galt; prøv igjen.',
  email_invalid: 'Det er ikke en e-postadresse.',
  transcript_mails_exhausted: 'Samtalen er allerede sendt på e-post {max} ganger.',
  transcript_addresses_exhausted: 'Samtalen kan sendes til høyst {max} adresser.',
  mail_not_set_up: 'E-post er ikke tilgjengelig her.',
  erasure_not_offered: 'Chatter kan ikke slettes herfra; spør oss i stedet.',
  erasure_already_requested: 'Du har allerede bedt om at chatten slettes.',
  chat_not_found: 'Denne chatten finnes ikke lenger.',
  menu_answered: 'Dette er allerede besvart.',
  menu_withdrawn: 'Dette valget er ikke lenger tilgjengelig.',
  chat_ended: 'Chatten er avsluttet.',
  verification_required: 'Logg inn før du starter en chat her.',
  oidc_unavailable: 'Innloggingstjenesten svarer ikke; prøv igjen.',
  too_many_chat_starts: 'For mange chatter er startet fra nettverket ditt; vent {seconds} s og prøv igjen.',
  too_many_new_chats: 'For mange nye chatter fra nettverket ditt; vent {seconds} s og prøv igjen.',
  too_many_windows: 'Chatten er åpen i for mange vinduer (høyst {max}); lukk ett av dem.',
  customer_token_unknown: 'Chatten finnes ikke lenger; start en ny.',
  ...fileReasonsNb,

  // Når serveren ikke kan si noe (common/errors.ts, clientReasons).
  server_unreachable: 'Får ikke kontakt med serveren.',
  connection_lost: 'Forbindelsen ble brutt; prøv igjen.',
  no_answer: 'Serveren svarte ikke i tide; prøv igjen.',
};

/** reasonTexts holds the widget's texts for server errors, by language and reason. */
export const reasonTexts: Record<Lang, ReasonTexts> = { en: enReasons, nb: nbReasons };

/** parseLang returns the language named by s, or English for anything else. */
export function parseLang(s: string | null | undefined): Lang {
  return s === 'nb' || s === 'no' || s === 'nn' ? 'nb' : 'en';
}

/** textsFor returns the dictionary for the language named by s (default English). */
export function textsFor(s: string | null | undefined): Texts {
  return dictionaries[parseLang(s)];
}

/** reasonsFor returns the server errors' texts for the language named by s (default English). */
export function reasonsFor(s: string | null | undefined): ReasonTexts {
  return reasonTexts[parseLang(s)];
}
