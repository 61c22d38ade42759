// Every visible string of the supervisor's page (R19), in English and
// Norwegian bokmål. Both have exactly the same keys (texts.test.ts);
// placeholders are written {name} and filled in by fmt.

export const en = {
  appTitle: 'Skranke — Supervision',
  heading: 'Supervision',
  loading: 'Loading…',
  loginHeading: 'Log in to supervise',
  signInWith: 'Sign in with {name}',
  passwordsBreakGlass: 'Passwords are for the break-glass administrator only.',
  username: 'Username',
  password: 'Password',
  logIn: 'Log in',
  loginFailed: 'Could not log in. Try again.',
  notSupervisor: 'This page is for supervisors and administrators.',
  connected: 'Live',
  connecting: 'Connecting…',
  language: 'Language',

  queues: 'Queues',
  queue: 'Queue',
  waiting: 'Waiting',
  longestWait: 'Longest wait',
  agentsReady: 'Ready',
  agentsBusy: 'Busy',
  agentsPaused: 'Paused',
  offersOut: 'Offers out',

  agents: 'Agents',
  agent: 'Agent',
  status: 'Status',
  profile: 'Profile',
  load: 'Load',
  loadOf: '{load} of {capacity}',
  inStatus: 'Time in status',
  chatsCol: 'Chats',
  ready: 'Ready',
  paused: 'Paused',
  loggedOff: 'Logged off',

  chats: 'Chats',
  customer: 'Customer',
  since: 'Since',
  agentsCol: 'Agents',
  statusWaiting: 'Waiting',
  statusActive: 'In progress',
  offeredTo: 'offered to {name}',
  transferTo: 'being transferred to {target}',
  noChats: 'No chats waiting or in progress.',
  visitor: 'Visitor',
  watch: 'Watch',
  watchChat: 'Watch the chat with {name}',

  watching: 'Watching the chat with {name}',
  stopWatching: 'Stop watching',
  watchLog: 'The chat with {name}',
  whisper: 'Whisper to the agents',
  whisperHint: 'Only the agents see it, never the customer.',
  sendWhisper: 'Send whisper',
  supervisorTag: 'supervisor',
  privateTag: 'private',
  sysJoined: '{name} joined the chat',
  sysLeft: '{name} left the chat',
  sysEnded: 'The chat ended',
  sysWatching: '{name} is watching',
  sysStopped: '{name} stopped watching',
  sysTransferred: 'Being transferred',

  actions: 'Actions',
  pause: 'Pause',
  pauseAgent: 'Pause {name}',
  logOff: 'Log off',
  logOffAgent: 'Log off {name}',
  priority: 'Priority {priority}',
  raise: 'Raise priority',
  raiseChat: 'Raise priority of the chat with {name}',
  moveTo: 'Move the chat with {name} to',
  move: 'Move',
  moveChat: 'Move the chat with {name}',
  takeOver: 'Take over',
  takeOverChat: 'Take over the chat with {name}',
  tookOver: 'You are in the chat with {name} now: work it on the agent desktop.',
  openDesktop: 'Open the agent desktop',
};

export type TextKey = keyof typeof en;
export type Texts = Record<TextKey, string>;

export const nb: Texts = {
  appTitle: 'Skranke — Oppfølging',
  heading: 'Oppfølging',
  loading: 'Laster…',
  loginHeading: 'Logg inn for å følge opp',
  signInWith: 'Logg inn med {name}',
  passwordsBreakGlass: 'Passord er bare for nødadministratoren.',
  username: 'Brukernavn',
  password: 'Passord',
  logIn: 'Logg inn',
  loginFailed: 'Kunne ikke logge inn. Prøv igjen.',
  notSupervisor: 'Denne siden er for teamledere og administratorer.',
  connected: 'Direkte',
  connecting: 'Kobler til…',
  language: 'Språk',

  queues: 'Køer',
  queue: 'Kø',
  waiting: 'Venter',
  longestWait: 'Lengste ventetid',
  agentsReady: 'Klare',
  agentsBusy: 'Opptatt',
  agentsPaused: 'Pause',
  offersOut: 'Tilbud ute',

  agents: 'Rådgivere',
  agent: 'Rådgiver',
  status: 'Status',
  profile: 'Profil',
  load: 'Belastning',
  loadOf: '{load} av {capacity}',
  inStatus: 'Tid i status',
  chatsCol: 'Chatter',
  ready: 'Klar',
  paused: 'Pause',
  loggedOff: 'Logget ut',

  chats: 'Chatter',
  customer: 'Kunde',
  since: 'Siden',
  agentsCol: 'Rådgivere',
  statusWaiting: 'Venter',
  statusActive: 'Pågår',
  offeredTo: 'tilbudt {name}',
  transferTo: 'overføres til {target}',
  noChats: 'Ingen chatter venter eller pågår.',
  visitor: 'Besøkende',
  watch: 'Følg',
  watchChat: 'Følg chatten med {name}',

  watching: 'Følger chatten med {name}',
  stopWatching: 'Slutt å følge',
  watchLog: 'Chatten med {name}',
  whisper: 'Hvisk til rådgiverne',
  whisperHint: 'Bare rådgiverne ser det, aldri kunden.',
  sendWhisper: 'Send hvisking',
  supervisorTag: 'teamleder',
  privateTag: 'privat',
  sysJoined: '{name} ble med i chatten',
  sysLeft: '{name} forlot chatten',
  sysEnded: 'Chatten er avsluttet',
  sysWatching: '{name} følger chatten',
  sysStopped: '{name} sluttet å følge chatten',
  sysTransferred: 'Overføres',

  actions: 'Handlinger',
  pause: 'Pause',
  pauseAgent: 'Sett {name} på pause',
  logOff: 'Logg ut',
  logOffAgent: 'Logg ut {name}',
  priority: 'Prioritet {priority}',
  raise: 'Øk prioritet',
  raiseChat: 'Øk prioriteten til chatten med {name}',
  moveTo: 'Flytt chatten med {name} til',
  move: 'Flytt',
  moveChat: 'Flytt chatten med {name}',
  takeOver: 'Ta over',
  takeOverChat: 'Ta over chatten med {name}',
  tookOver: 'Du er med i chatten med {name} nå: følg den opp på skrivebordet.',
  openDesktop: 'Åpne rådgiverskrivebordet',
};

export type Lang = 'en' | 'nb';
export const dictionaries: Record<Lang, Texts> = { en, nb };

// The page's texts for the server errors supervisors meet, by reason
// (../common/reasons.en.json has every reason with the server's English;
// catalogues.test.ts checks the keys and placeholders). Any other reason
// shows the server's English message.
const enReasons = {
  supervisors_only: 'Only supervisors and administrators can do this.',
  not_monitoring: 'You are not watching this chat.',
  take_over_not_active: 'Only a chat in progress can be taken over.',
  whisper_private_only: "A supervisor's message to a chat they are not in is for its agents only.",
  chat_not_waiting: 'This chat is not waiting.',
  chat_priority_out_of_range: 'The priority must be from 0 to {max}.',
  requeue_has_agents: 'Only a chat without agents can go back to its queue.',
  reroute_nothing: 'Give a new priority or another queue.',
  supervision_unavailable: "The supervisor's view is not available.",
  chat_not_found: 'No such chat.',
  queue_not_found: 'No such queue.',
  agent_not_found: 'No such agent.',
  user_not_found: 'No such user.',
  message_too_long: 'The message is longer than {max} characters.',
  message_empty: 'The message is empty.',
  login_incorrect: 'Wrong username or password.',
  login_fields_required: 'Enter your username and password.',
  logins_throttled: 'Too many failed logins; wait {seconds} s and try again.',
  login_required: 'Please log in.',
  server_busy: 'The server is busy; try again.',
  database_unavailable: 'The database is unavailable; try again.',
  routing_unavailable: 'Routing is not running.',
  internal: 'Internal error.',

  // When the server cannot say anything (common/errors.ts, clientReasons).
  server_unreachable: 'The server cannot be reached.',
  connection_lost: 'The connection was lost; try again.',
  no_answer: 'The server did not answer in time; try again.',
};

const nbReasons: Record<keyof typeof enReasons, string> = {
  supervisors_only: 'Bare ledere og administratorer kan gjøre dette.',
  not_monitoring: 'Du følger ikke med på denne chatten.',
  take_over_not_active: 'Bare en pågående chat kan tas over.',
  whisper_private_only: 'En leders melding til en chat lederen ikke er med i, er bare for rådgiverne.',
  chat_not_waiting: 'Denne chatten venter ikke.',
  chat_priority_out_of_range: 'Prioriteten må være fra 0 til {max}.',
  requeue_has_agents: 'Bare en chat uten rådgivere kan gå tilbake til køen sin.',
  reroute_nothing: 'Gi en ny prioritet eller en annen kø.',
  supervision_unavailable: 'Ledervisningen er ikke tilgjengelig.',
  chat_not_found: 'Chatten finnes ikke.',
  queue_not_found: 'Køen finnes ikke.',
  agent_not_found: 'Rådgiveren finnes ikke.',
  user_not_found: 'Brukeren finnes ikke.',
  message_too_long: 'Meldingen er lengre enn {max} tegn.',
  message_empty: 'Meldingen er tom.',
  login_incorrect: 'Feil brukernavn eller passord.',
  login_fields_required: 'Skriv inn brukernavn og passord.',
  logins_throttled: 'For mange mislykkede innlogginger; vent {seconds} s og prøv igjen.',
  login_required: 'Logg inn.',
  server_busy: 'Serveren er opptatt; prøv igjen.',
  database_unavailable: 'Databasen er ikke tilgjengelig; prøv igjen.',
  routing_unavailable: 'Rutingen kjører ikke.',
  internal: 'Intern feil.',

  // Når serveren ikke kan si noe (common/errors.ts, clientReasons).
  server_unreachable: 'Får ikke kontakt med serveren.',
  connection_lost: 'Forbindelsen ble brutt; prøv igjen.',
  no_answer: 'Serveren svarte ikke i tide; prøv igjen.',
};

/** reasonTexts holds the page's texts for server errors, by language and reason. */
export const reasonTexts: Record<Lang, Record<string, string>> = { en: enReasons, nb: nbReasons };

/** reasonsOf gives the texts for server errors in the language of the texts t. */
export function reasonsOf(t: Texts): Record<string, string> {
  return reasonTexts[t === nb ? 'nb' : 'en'];
}

export { fmt, pickLanguage } from '../admin/texts';
