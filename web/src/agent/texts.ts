// Every visible string of the agent desktop, in English (the default) and
// Norwegian bokmål. Both dictionaries have exactly the same keys (a unit test
// checks); placeholders are written {name} and filled in by fmt.

export const en = {
  appTitle: 'Skranke — Agent desktop',
  newChatTitle: '({count}) New chat — Skranke',

  // Login.
  loginHeading: 'Log in to Skranke',
  username: 'Username',
  password: 'Password',
  logIn: 'Log in',
  loggingIn: 'Logging in…',
  loginFailed: 'Could not log in. Try again.',
  loading: 'Loading…',
  loadFailed: 'Could not reach the server.',
  retry: 'Try again',

  // Top bar.
  logOut: 'Log out',
  profile: 'Profile',
  chooseProfile: 'Choose a profile…',
  status: 'Status',
  ready: 'Ready',
  paused: 'Paused',
  chooseProfileFirst: 'Choose a profile to become ready.',
  pausedMissedOffers: 'You were paused after 3 missed offers',
  connected: 'Connected',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
  chatsOf: '{count} of {capacity} chats',
  dismiss: 'Dismiss',
  notices: 'Notices',

  // Tabs.
  chats: 'Chats',
  customer: 'Customer',
  unread: '{count} unread',
  closeChatWith: 'Close chat with {name}',
  offerTag: 'New',
  noChats: 'No chats yet. Offers appear here as new tabs.',
  noChatsPaused: 'You are paused. Choose a profile and set yourself Ready to receive chats.',

  // Offer.
  offerHeading: 'New chat request',
  queue: 'Queue',
  name: 'Name',
  waiting: 'Waiting',
  latestMessage: 'Latest message',
  timeLeft: 'Time left to answer',
  accept: 'Accept',
  reject: 'Reject',
  offerExpired: 'The offer from {name} expired.',
  offerWithdrawn: 'The offer from {name} was withdrawn.',
  offerRejected: 'You rejected the chat with {name}.',

  // Chat.
  statusWaiting: 'Waiting',
  statusActive: 'Active',
  statusEnded: 'Ended',
  messages: 'Messages with {name}',
  message: 'Message',
  send: 'Send',
  sending: 'Sending…',
  notSent: 'Not sent: {reason}',
  you: 'You',
  system: 'Skranke',
  typing: '{name} is typing…',
  sysStarted: '{name} started the chat',
  sysJoined: '{name} joined the chat',
  sysLeft: '{name} left the chat',
  sysDisconnected: '{name} was disconnected',
  sysRequeued: 'The chat went back to the queue',
  sysEnded: '{name} ended the chat',
  sysEndedPlain: 'The chat ended',
  endedByCustomer: 'The customer ended the chat',
  endedByYou: 'You ended the chat',
  endedByAgent: '{name} ended the chat',
  endedPlain: 'The chat has ended',
  youLeft: 'You are no longer in this chat',
  youDisconnected: 'You were disconnected from this chat',
  inputHint: 'Enter sends, Shift+Enter adds a new line',

  // Closing.
  confirmTitle: 'End chat?',
  confirmText: 'The customer is still connected. End this chat?',
  endChat: 'End chat',
  ending: 'Ending…',
  cancel: 'Cancel',
};

export type TextKey = keyof typeof en;
export type Texts = Record<TextKey, string>;

export const nb: Texts = {
  appTitle: 'Skranke — Agentskrivebord',
  newChatTitle: '({count}) Ny chat — Skranke',

  loginHeading: 'Logg inn i Skranke',
  username: 'Brukernavn',
  password: 'Passord',
  logIn: 'Logg inn',
  loggingIn: 'Logger inn…',
  loginFailed: 'Kunne ikke logge inn. Prøv igjen.',
  loading: 'Laster…',
  loadFailed: 'Får ikke kontakt med serveren.',
  retry: 'Prøv igjen',

  logOut: 'Logg ut',
  profile: 'Profil',
  chooseProfile: 'Velg en profil…',
  status: 'Status',
  ready: 'Klar',
  paused: 'Pause',
  chooseProfileFirst: 'Velg en profil for å bli klar.',
  pausedMissedOffers: 'Du ble satt på pause etter 3 ubesvarte tilbud',
  connected: 'Tilkoblet',
  connecting: 'Kobler til…',
  reconnecting: 'Kobler til på nytt…',
  chatsOf: '{count} av {capacity} chatter',
  dismiss: 'Lukk',
  notices: 'Meldinger',

  chats: 'Chatter',
  customer: 'Kunde',
  unread: '{count} uleste',
  closeChatWith: 'Lukk chatten med {name}',
  offerTag: 'Ny',
  noChats: 'Ingen chatter ennå. Tilbud kommer her som nye faner.',
  noChatsPaused: 'Du har pause. Velg en profil og sett deg som Klar for å få chatter.',

  offerHeading: 'Ny chatforespørsel',
  queue: 'Kø',
  name: 'Navn',
  waiting: 'Ventetid',
  latestMessage: 'Siste melding',
  timeLeft: 'Tid igjen til å svare',
  accept: 'Godta',
  reject: 'Avvis',
  offerExpired: 'Tilbudet fra {name} gikk ut.',
  offerWithdrawn: 'Tilbudet fra {name} ble trukket tilbake.',
  offerRejected: 'Du avviste chatten med {name}.',

  statusWaiting: 'Venter',
  statusActive: 'Aktiv',
  statusEnded: 'Avsluttet',
  messages: 'Meldinger med {name}',
  message: 'Melding',
  send: 'Send',
  sending: 'Sender…',
  notSent: 'Ikke sendt: {reason}',
  you: 'Du',
  system: 'Skranke',
  typing: '{name} skriver…',
  sysStarted: '{name} startet chatten',
  sysJoined: '{name} ble med i chatten',
  sysLeft: '{name} forlot chatten',
  sysDisconnected: '{name} mistet forbindelsen',
  sysRequeued: 'Chatten gikk tilbake til køen',
  sysEnded: '{name} avsluttet chatten',
  sysEndedPlain: 'Chatten ble avsluttet',
  endedByCustomer: 'Kunden avsluttet chatten',
  endedByYou: 'Du avsluttet chatten',
  endedByAgent: '{name} avsluttet chatten',
  endedPlain: 'Chatten er avsluttet',
  youLeft: 'Du er ikke lenger med i denne chatten',
  youDisconnected: 'Du mistet forbindelsen til denne chatten',
  inputHint: 'Enter sender, Shift+Enter gir ny linje',

  confirmTitle: 'Avslutte chatten?',
  confirmText: 'Kunden er fortsatt tilkoblet. Vil du avslutte denne chatten?',
  endChat: 'Avslutt chatten',
  ending: 'Avslutter…',
  cancel: 'Avbryt',
};

export const dictionaries: Record<'en' | 'nb', Texts> = { en, nb };

/** pickLanguage chooses the language from a ?lang= query parameter; English otherwise. */
export function pickLanguage(search: string): 'en' | 'nb' {
  const lang = new URLSearchParams(search).get('lang');
  return lang === 'nb' || lang === 'no' ? 'nb' : 'en';
}

/** fmt fills {placeholders} in a text. */
export function fmt(text: string, vars: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}
