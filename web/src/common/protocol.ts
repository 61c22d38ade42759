// Types of the Skranke client protocol. They mirror docs/protocol.md; keep
// the two in step.

export type Seq = number;
export type Visibility = 'all' | 'agents';
export type ParticipantRole = 'customer' | 'agent' | 'system' | 'supervisor';

export interface Participant {
  role: ParticipantRole;
  id?: string;
  name?: string;
}

export type EventKind =
  | 'started'
  | 'offered'
  | 'offer_declined'
  | 'agent_joined'
  | 'agent_left'
  | 'message'
  | 'requeued'
  | 'ended'
  | 'invited'
  | 'invitation_declined'
  | 'transferred'
  | 'monitored'
  | 'rerouted'
  | 'erasure_requested'
  | 'customer_connected'
  | 'customer_left'
  | 'customer_returned'
  | 'menu'
  | 'choice'
  | 'menu_withdrawn'
  | 'typing'
  | 'customer_details'
  | 'queue_status'
  | 'agent_status'
  | 'directory_changed';

/**
 * AttachmentRef is a file as a message carries it and as an upload answers
 * (docs/protocol.md, "Files"). width, height and thumbnail are set for the
 * images the server could read.
 */
export interface AttachmentRef {
  id: string;
  name: string;
  type: string;
  size: number;
  width?: number;
  height?: number;
  thumbnail?: boolean;
}

export interface ChatEvent {
  conversationId?: string;
  seq?: Seq; // absent on ephemeral events
  time: string;
  kind: EventKind;
  visibility: Visibility;
  author: Participant;
  clientMsgId?: string;
  text?: string;
  queueId?: string;
  agentId?: string;
  agentName?: string;
  reason?: string;
  expiresAt?: string;
  position?: number;
  agentsOnline?: number;
  /** queue_status: the expected wait in seconds (rounded); absent when the server cannot tell. */
  expectedWait?: number;
  status?: AgentStatus;
  profileId?: string;
  /** a message's files. */
  attachments?: AttachmentRef[];
  /** transferred: the transferring agent's note for the receiver (agents only). */
  note?: string;
  /** invited: the server's offer of a transfer to a queue (R18). */
  transfer?: boolean;
  /** monitored: the supervisor watches the chat now, or no longer (R19). */
  watching?: boolean;
  /** menu, choice, menu_withdrawn: the menu. */
  menuId?: string;
  /** menu: its options; the question is text. */
  options?: MenuOption[];
  /** menu: the administrator's saved menu it was made from (agent view only). */
  savedMenuId?: string;
  /** choice: the option chosen; text is its label. */
  optionId?: string;
}

/** MenuOption is one option of a choice menu (R9). */
export interface MenuOption {
  id: string;
  label: string;
}

/** MenuState is a chat's menu as the agent view of the conversation carries it. */
export interface MenuState {
  id: string;
  seq: Seq;
  status: 'open' | 'answered' | 'withdrawn';
  options?: MenuOption[];
  chosen?: string;
}

export type ConversationStatus = 'waiting' | 'active' | 'ended';

export interface Offer {
  agentId: string;
  offeredAt: string;
  expiresAt: string;
}

/**
 * Invitation is a chat's pending invitation of another agent (R10); at most
 * one per chat. agentId is absent while a queue invitation looks for its
 * next agent.
 */
export interface Invitation {
  agentId?: string;
  invitedBy: string;
  queueId?: string;
  note?: string;
  offeredAt?: string;
  expiresAt?: string;
  declined: string[] | null;
  /** a transfer (R18): the inviter leaves once the invitee accepts. */
  transfer?: boolean;
  /** when a transfer gives up if nobody accepted it. */
  until?: string;
}

/** A conversation as agents see it. */
export interface Conversation {
  id: string;
  queueId: string;
  customerName?: string;
  status: ConversationStatus;
  agents: string[] | null;
  offer?: Offer;
  invitation?: Invitation;
  declined: string[] | null;
  priority: number;
  queuedAt: string;
  createdAt: string;
  endedAt?: string;
  lastSeq: Seq;
  /** when the customer first connected; absent if never. */
  customerConnectedAt?: string;
  /** when the customer last left; absent while connected. */
  customerLeftAt?: string;
  /** the number a customer without a name goes by ("Visitor 4821"), the same everywhere. */
  visitor?: string;
  /** the chat's choice menus, in the order they were offered. */
  menus?: MenuState[];
}

/** Who gave a customer's detail: a token the organisation signed (verified), or the customer. */
export type DetailSource = 'signed_token' | 'oidc' | 'customer';

/** One field of what is known of a customer (docs/protocol.md, "Verified customers"). */
export interface Detail {
  /** name, email, phone, or a claim the administrator mapped (with its label). */
  field: string;
  label?: string;
  value: string;
  verified: boolean;
  source: DetailSource;
  /** the identity key that signed a verified detail. */
  keyId?: string;
  at: string;
}

/** What is known of a customer: the subject the organisation vouched for, and the details. */
export interface CustomerDetails {
  subject?: string;
  details: Detail[];
}

/** Another chat of the same verified customer, as GET /api/v1/conversations/{id}/customer lists it. */
export interface EarlierChat {
  id: string;
  queueId: string;
  status: ConversationStatus;
  createdAt: string;
  endedAt?: string;
  /** the agent asking may open it. */
  readable: boolean;
}

/** A chat's customer as agents see it. */
export interface CustomerInfo extends CustomerDetails {
  earlier: EarlierChat[];
}

/** A conversation as its customer sees it. */
export interface CustomerConversation {
  id: string;
  queueId: string;
  queueName: string;
  status: ConversationStatus;
  createdAt: string;
  /** What the queue tells a customer who waits. */
  waitingText?: string;
}

export type Role = 'admin' | 'supervisor' | 'agent';
export type AgentStatus = 'ready' | 'paused';

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  capacity: number;
  /** The profiles the user may work in. */
  profiles?: string[];
  /** Set while the user is deactivated. */
  deactivatedAt?: string;
  /** The language the user chose for the desk and the pages (en or nb), if they chose. */
  language?: string;
  version?: number;
  createdAt?: string;
}

/** A queue as customers and agents see it (QueueInfo in the server). */
export interface Queue {
  id: string;
  name: string;
  agentsOnline?: number;
  /** Whether it takes new chats now (its opening hours). */
  open?: boolean;
  /** When open next changes; absent when not within weeks. */
  until?: string;
  waitingText?: string;
  closedText?: string;
  /** the queue takes only customers the organisation vouched for (R6): sign in first. */
  requiresVerification?: boolean;
}

export interface Profile {
  id: string;
  name: string;
  queues: string[] | null;
  version?: number;
}

export interface AgentState {
  userId: string;
  status: AgentStatus;
  profileId?: string;
  updatedAt: string;
}

/** AgentStat is one logged-in agent in GET /api/v1/agents, for choosing whom to invite. */
export interface AgentStat {
  id: string;
  displayName: string;
  online: boolean;
  status: AgentStatus;
  profileId?: string;
  /** chats, offers and invitations the agent holds. */
  load: number;
  capacity: number;
  /** online, ready and below capacity. */
  available: boolean;
}

/** QueueStat is one queue's numbers in GET /api/v1/agents. */
export interface QueueStat {
  queueId: string;
  waiting: number;
  agentsOnline: number;
  agentsReady: number;
  /** Ready and below capacity: could take an invitation now. */
  agentsAvailable: number;
}

/** AgentsResponse is the body of GET /api/v1/agents. */
export interface AgentsResponse {
  agents: AgentStat[];
  queues: QueueStat[];
}

export type ErrorCode =
  | 'invalid'
  | 'not_found'
  | 'conflict'
  | 'unauthenticated'
  | 'forbidden'
  | 'too_large'
  | 'unavailable'
  | 'too_many_requests'
  | 'internal';

// Client → server frames.
export interface CustomerHello {
  type: 'hello';
  token: string;
  conversationId: string;
  afterSeq: Seq;
}
export interface AgentHello {
  type: 'hello';
  resume: Record<string, Seq>;
}
export interface SendFrame {
  type: 'send';
  requestId: string;
  conversationId: string;
  clientMsgId: string;
  text: string;
  private?: boolean;
  /** the files the message carries, uploaded first (at most 5). */
  attachmentIds?: string[];
}
export interface TypingFrame {
  type: 'typing';
  conversationId: string;
  private?: boolean;
}
/** A request about one conversation; accept and reject answer offers and invitations alike. */
export interface ConversationRequest {
  type: 'accept' | 'reject' | 'end' | 'withdraw' | 'leave';
  requestId: string;
  conversationId: string;
}
export interface StatusFrame {
  type: 'status';
  requestId: string;
  status: AgentStatus;
  profileId?: string;
}
/** InviteFrame invites a named agent (agentId) or any available agent of a queue (queueId). */
export interface InviteFrame {
  type: 'invite';
  requestId: string;
  conversationId: string;
  agentId?: string;
  queueId?: string;
  note?: string;
}
/** MenuFrame offers the customer a choice menu: the question (text) and 2–10 options. */
export interface MenuFrame {
  type: 'menu';
  requestId: string;
  conversationId: string;
  clientMsgId?: string;
  text: string;
  options: { id?: string; label: string }[];
}
/** ChooseFrame is the customer's answer to a menu. */
export interface ChooseFrame {
  type: 'choose';
  requestId: string;
  conversationId: string;
  clientMsgId?: string;
  menuId: string;
  optionId: string;
}
/** WithdrawMenuFrame withdraws an unanswered menu. */
export interface WithdrawMenuFrame {
  type: 'withdraw_menu';
  requestId: string;
  conversationId: string;
  clientMsgId?: string;
  menuId: string;
}
export type ClientFrame =
  | CustomerHello
  | AgentHello
  | SendFrame
  | TypingFrame
  | ConversationRequest
  | StatusFrame
  | InviteFrame
  | MenuFrame
  | ChooseFrame
  | WithdrawMenuFrame;

// Server → client frames.
export interface CustomerWelcome {
  type: 'welcome';
  conversation: CustomerConversation;
}
export interface AgentWelcome {
  type: 'welcome';
  user: User;
  state: AgentState;
  profiles: Profile[];
  queues: Queue[];
  conversations: Conversation[];
}
export interface EventFrame {
  type: 'event';
  event: ChatEvent;
}
export interface AckFrame {
  type: 'ack';
  requestId: string;
  conversationId?: string;
  seq?: Seq;
  clientMsgId?: string;
  state?: AgentState;
}
/**
 * ErrorParams are the values an error's reason names, such as the limit of
 * message_too_long ({ max: 5000 }).
 */
export type ErrorParams = Record<string, string | number>;

/**
 * ErrorFrame answers a request that failed. reason is a stable key of what
 * went wrong and params its values, for a text in the user's language;
 * message is the English text (reasons.en.json lists every reason).
 */
export interface ErrorFrame {
  type: 'error';
  requestId?: string;
  code: ErrorCode;
  reason?: string;
  params?: ErrorParams;
  message: string;
  retryable: boolean;
}
export type ServerFrame<W> = W | EventFrame | AckFrame | ErrorFrame;

/** REST error body: reason is a stable key of what went wrong, params the values its message names (params.field: the input an invalid error is about). */
export interface ApiError {
  error: { code: ErrorCode; reason?: string; params?: ErrorParams; message: string };
}

/** WebSocket close codes used by the server. */
export const CloseSlowConsumer = 4008;
export const CloseUnauthenticated = 4001;
export const CloseNotFound = 4004;

/** QueueBoard is one queue on the supervisor's board (docs/protocol.md, "Supervision"). */
export interface QueueBoard {
  queueId: string;
  name: string;
  waiting: number;
  oldestQueuedAt?: string;
  agentsReady: number;
  agentsBusy: number;
  agentsPaused: number;
  offersOut: number;
}

/** AgentBoard is one agent on the supervisor's board. */
export interface AgentBoard {
  id: string;
  displayName: string;
  online: boolean;
  status: AgentStatus;
  profileId?: string;
  load: number;
  capacity: number;
  statusSince?: string;
  chats: string[];
}

/** ChatBoard is one waiting or active chat on the supervisor's board. */
export interface ChatBoard {
  id: string;
  queueId: string;
  customerName?: string;
  status: ConversationStatus;
  agents: string[];
  offeredTo?: string;
  priority: number;
  queuedAt: string;
  createdAt: string;
  answeredAt?: string;
  transferTo?: string;
  transferToAgent?: string;
  customerLeft?: boolean;
}

/** Board is the supervisor's live board (R19). */
export interface Board {
  at: string;
  queues: QueueBoard[];
  agents: AgentBoard[];
  chats: ChatBoard[];
}

/** PredefinedScope says whom an organisation's predefined message is for (R8). */
export type PredefinedScope = 'everyone' | 'queues' | 'profiles';

/** PredefinedMessage is a predefined message as the administration keeps it (R8). */
export interface PredefinedMessage {
  id: string;
  title: string;
  text: string;
  category?: string;
  /** the agent whose own message it is; absent for the organisation's. */
  ownerId?: string;
  scope: PredefinedScope;
  queues?: string[];
  profiles?: string[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** PredefinedText is a predefined message for one chat, filled in for it (GET …/predefined-messages). */
export interface PredefinedText {
  id: string;
  title: string;
  category?: string;
  text: string;
  /** placeholders without a value, left empty in text. */
  missing?: ('customer.name' | 'agent.name' | 'queue.name')[];
  personal?: boolean;
}

/** SavedMenu is a choice menu the administrator keeps for agents to offer (R9). */
export interface SavedMenu {
  id: string;
  name: string;
  question: string;
  options: MenuOption[];
  version: number;
  createdAt: string;
  updatedAt: string;
}
