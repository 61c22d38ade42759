// The supervisor's page (R19): queues, agents and chats live from
// /ws/supervisor — a new board comes with every change of routing state,
// and the times count up here in between — and, from a chat, watching it
// live and whispering to its agents. For supervisors and administrators.

import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { apiRequest } from '../common/rest';
import { errorText } from '../common/errors';
import { SSOLink, useLoginOptions } from '../common/sso';
import { Socket, newId, wsURL, type ConnectionState } from '../common/socket';
import type { Board, ChatBoard, ChatEvent, User } from '../common/protocol';
import { addEvent, since } from './board';
import { dictionaries, fmt, reasonsOf, type Lang, type Texts } from './texts';
import { clock } from '../common/language';
import { LanguageOptions } from '../common/LanguageOptions';

type Phase = { kind: 'loading' } | { kind: 'login' } | { kind: 'forbidden' } | { kind: 'ready'; me: User };

export interface AppProps {
  lang: Lang;
  onLanguage: (l: Lang) => void;
  /** onUser hears who is logged in, at load and after a login (main.tsx takes their language). */
  onUser?: (u: User) => void;
}

export function App({ lang, onLanguage, onUser }: AppProps) {
  const t = dictionaries[lang];
  const [phase, setPhase] = useState<Phase>({ kind: 'loading' });

  async function load() {
    try {
      const me = await apiRequest<{ user: User }>('GET', '/api/v1/me');
      const role = me.user.role;
      onUser?.(me.user);
      setPhase(role === 'supervisor' || role === 'admin' ? { kind: 'ready', me: me.user } : { kind: 'forbidden' });
    } catch {
      setPhase({ kind: 'login' });
    }
  }
  useEffect(() => void load(), []);

  const langSwitch = (
    <label class="lang">
      {t.language}{' '}
      <select value={lang} onChange={(e) => onLanguage(e.currentTarget.value as Lang)}>
        <LanguageOptions />
      </select>
    </label>
  );
  switch (phase.kind) {
    case 'loading':
      return <p role="status">{t.loading}</p>;
    case 'login':
      return <Login t={t} onDone={load} extra={langSwitch} />;
    case 'forbidden':
      return (
        <main class="narrow">
          <h1>{t.heading}</h1>
          <p role="alert">{t.notSupervisor}</p>
        </main>
      );
    case 'ready':
      return <Supervision t={t} me={phase.me} extra={langSwitch} onLoggedOut={() => setPhase({ kind: 'login' })} />;
  }
}

function Login({ t, onDone, extra }: { t: Texts; onDone: () => void; extra: preact.ComponentChild }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const opts = useLoginOptions();
  async function submit(e: Event) {
    e.preventDefault();
    setError('');
    try {
      await apiRequest('POST', '/api/v1/login', { username: username.trim(), password });
      onDone();
    } catch (err) {
      setError(errorText(err, reasonsOf(t), t.loginFailed));
    }
  }
  return (
    <main class="narrow">
      <form onSubmit={submit} aria-labelledby="login-h">
        <h1 id="login-h">{t.loginHeading}</h1>
        <SSOLink opts={opts} label={(name) => fmt(t.signInWith, { name })} breakGlass={t.passwordsBreakGlass} />
        <label for="login-u">{t.username}</label>
        <input id="login-u" autoComplete="username" required value={username} onInput={(e) => setUsername(e.currentTarget.value)} />
        <label for="login-p">{t.password}</label>
        <input id="login-p" type="password" autoComplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        {error && <p role="alert">{error}</p>}
        <button type="submit" class="primary">
          {t.logIn}
        </button>
      </form>
      {extra}
    </main>
  );
}

interface SupervisionProps {
  t: Texts;
  me: User;
  extra: preact.ComponentChild;
  onLoggedOut: () => void;
}

function Supervision({ t, me, extra, onLoggedOut }: SupervisionProps) {
  const [board, setBoard] = useState<Board>();
  const [skew, setSkew] = useState(0);
  const [conn, setConn] = useState<ConnectionState>('connecting');
  const [now, setNow] = useState(Date.now());
  const [watching, setWatching] = useState<string>();
  const [problem, setProblem] = useState('');
  const [tookOver, setTookOver] = useState<string>();
  const [log, setLog] = useState<ChatEvent[]>([]);
  const watchingRef = useRef<string | undefined>(undefined);
  const socketRef = useRef<Socket | undefined>(undefined);

  useEffect(() => {
    const s = new Socket({
      url: wsURL('/ws/supervisor'),
      hello: () => ({ type: 'hello' }),
      onFrame: (f) => {
        if ((f.type === 'welcome' || f.type === 'board') && f.board) {
          const b = f.board as Board;
          setBoard(b);
          setSkew(Date.now() - Date.parse(b.at));
          // After a reconnect the server no longer sends the watched chat.
          if (f.type === 'welcome' && watchingRef.current) void s.request({ type: 'monitor', conversationId: watchingRef.current }).catch(() => undefined);
        }
        if (f.type === 'event') {
          const e = f.event as ChatEvent;
          if (e.conversationId && e.conversationId === watchingRef.current) setLog((l) => addEvent(l, e));
        }
      },
      onState: setConn,
      onFatal: onLoggedOut,
    });
    socketRef.current = s;
    s.start();
    // The clock of the times shown; the numbers come from the server.
    const tick = setInterval(() => setNow(Date.now()), 1000);
    return () => {
      clearInterval(tick);
      s.stop();
    };
  }, []);

  const names = useMemo(() => new Map((board?.agents ?? []).map((a) => [a.id, a.displayName])), [board]);
  const queueNames = useMemo(() => new Map((board?.queues ?? []).map((q) => [q.queueId, q.name])), [board]);
  const customer = (c?: ChatBoard) => c?.customerName || `${t.visitor} ${c?.id.slice(0, 4) ?? ''}`;

  async function watch(id: string) {
    const s = socketRef.current;
    if (!s) return;
    const prev = watchingRef.current;
    if (prev === id) return;
    if (prev) await s.request({ type: 'unmonitor', conversationId: prev }).catch(() => undefined);
    watchingRef.current = id;
    setWatching(id);
    setLog([]);
    await s.request({ type: 'monitor', conversationId: id }).catch(() => undefined);
  }

  async function stopWatching() {
    const s = socketRef.current;
    const prev = watchingRef.current;
    watchingRef.current = undefined;
    setWatching(undefined);
    setLog([]);
    if (s && prev) await s.request({ type: 'unmonitor', conversationId: prev }).catch(() => undefined);
  }

  /** act sends one of the board's actions; a refusal is shown at the top. */
  async function act(frame: Record<string, unknown>): Promise<boolean> {
    const s = socketRef.current;
    if (!s) return false;
    setProblem('');
    try {
      await s.request(frame);
      return true;
    } catch (err) {
      setProblem(errorText(err, reasonsOf(t)));
      return false;
    }
  }

  const watched = board?.chats.find((c) => c.id === watching);
  const tookOverChat = board?.chats.find((c) => c.id === tookOver);
  return (
    <div class="sup">
      <header class="sup-head">
        <h1>{t.heading}</h1>
        <span class="muted">{me.displayName}</span>
        <span class={`conn ${conn}`} role="status">
          {conn === 'open' ? t.connected : t.connecting}
        </span>
        <span class="spacer" />
        {extra}
      </header>
      <p class="problem" role="alert">
        {problem}
      </p>
      {tookOverChat && (
        <p class="notice" role="status">
          {fmt(t.tookOver, { name: customer(tookOverChat) })} <a href="/agent">{t.openDesktop}</a>
        </p>
      )}
      <main>
        <section aria-labelledby="queues-h">
          <h2 id="queues-h">{t.queues}</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">{t.queue}</th>
                <th scope="col">{t.waiting}</th>
                <th scope="col">{t.longestWait}</th>
                <th scope="col">{t.agentsReady}</th>
                <th scope="col">{t.agentsBusy}</th>
                <th scope="col">{t.agentsPaused}</th>
                <th scope="col">{t.offersOut}</th>
              </tr>
            </thead>
            <tbody>
              {(board?.queues ?? []).map((q) => (
                <tr key={q.queueId}>
                  <th scope="row">{q.name}</th>
                  <td class="num">{q.waiting}</td>
                  <td class="num">{since(q.oldestQueuedAt, now, skew)}</td>
                  <td class="num">{q.agentsReady}</td>
                  <td class="num">{q.agentsBusy}</td>
                  <td class="num">{q.agentsPaused}</td>
                  <td class="num">{q.offersOut}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>

        <section aria-labelledby="agents-h">
          <h2 id="agents-h">{t.agents}</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">{t.agent}</th>
                <th scope="col">{t.status}</th>
                <th scope="col">{t.profile}</th>
                <th scope="col">{t.load}</th>
                <th scope="col">{t.inStatus}</th>
                <th scope="col">{t.chatsCol}</th>
                <th scope="col">{t.actions}</th>
              </tr>
            </thead>
            <tbody>
              {(board?.agents ?? []).map((a) => (
                <tr key={a.id} class={a.online ? '' : 'off'}>
                  <th scope="row">{a.displayName}</th>
                  <td>
                    <span class={`badge ${a.online ? a.status : 'off'}`}>{!a.online ? t.loggedOff : a.status === 'ready' ? t.ready : t.paused}</span>
                  </td>
                  <td>{a.online ? a.profileId : ''}</td>
                  <td class="num">{fmt(t.loadOf, { load: a.load, capacity: a.capacity })}</td>
                  <td class="num">{since(a.statusSince, now, skew)}</td>
                  <td>{a.chats.map((id) => customer(board?.chats.find((c) => c.id === id))).join(', ')}</td>
                  <td class="row-actions">
                    {a.online && (
                      <>
                        <button
                          type="button"
                          aria-label={fmt(t.pauseAgent, { name: a.displayName })}
                          disabled={a.status === 'paused'}
                          onClick={() => void act({ type: 'pause_agent', agentId: a.id })}
                        >
                          {t.pause}
                        </button>
                        <button type="button" aria-label={fmt(t.logOffAgent, { name: a.displayName })} onClick={() => void act({ type: 'log_off_agent', agentId: a.id })}>
                          {t.logOff}
                        </button>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>

        <section aria-labelledby="chats-h">
          <h2 id="chats-h">{t.chats}</h2>
          {board && board.chats.length === 0 && <p class="muted">{t.noChats}</p>}
          {board && board.chats.length > 0 && (
            <table>
              <thead>
                <tr>
                  <th scope="col">{t.customer}</th>
                  <th scope="col">{t.queue}</th>
                  <th scope="col">{t.status}</th>
                  <th scope="col">{t.since}</th>
                  <th scope="col">{t.agentsCol}</th>
                  <th scope="col">
                    <span class="sr-only">{t.watch}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {board.chats.map((c) => {
                  const notes: string[] = [];
                  if (c.offeredTo) notes.push(fmt(t.offeredTo, { name: names.get(c.offeredTo) ?? c.offeredTo }));
                  if (c.transferTo || c.transferToAgent) {
                    const target = c.transferTo ? queueNames.get(c.transferTo) ?? c.transferTo : names.get(c.transferToAgent ?? '') ?? '';
                    notes.push(fmt(t.transferTo, { target }));
                  }
                  return (
                    <tr key={c.id} class={c.id === watching ? 'watched' : ''}>
                      <th scope="row">{customer(c)}</th>
                      <td>{queueNames.get(c.queueId) ?? c.queueId}</td>
                      <td>
                        {c.status === 'waiting' ? t.statusWaiting : t.statusActive}
                        {c.priority > 0 && <span class="muted"> · {fmt(t.priority, { priority: c.priority })}</span>}
                        {notes.length > 0 && <span class="muted"> — {notes.join(', ')}</span>}
                      </td>
                      <td class="num">{since(c.status === 'waiting' ? c.queuedAt : c.answeredAt ?? c.createdAt, now, skew)}</td>
                      <td>{c.agents.map((a) => names.get(a) ?? a).join(', ')}</td>
                      <td class="row-actions">
                        <button type="button" aria-label={fmt(t.watchChat, { name: customer(c) })} disabled={c.id === watching} onClick={() => void watch(c.id)}>
                          {t.watch}
                        </button>
                        {c.status === 'waiting' && (
                          <WaitingActions t={t} chat={c} name={customer(c)} queues={board.queues.map((q) => ({ id: q.queueId, name: q.name }))} act={act} />
                        )}
                        {c.status === 'active' && !c.agents.includes(me.id) && (
                          <button
                            type="button"
                            aria-label={fmt(t.takeOverChat, { name: customer(c) })}
                            onClick={() => void act({ type: 'take_over', conversationId: c.id }).then((ok) => ok && setTookOver(c.id))}
                          >
                            {t.takeOver}
                          </button>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </section>

        {watching && (
          <WatchPanel t={t} name={customer(watched)} log={log} names={names} socket={socketRef.current} id={watching} onStop={() => void stopWatching()} />
        )}
      </main>
    </div>
  );
}

interface WaitingActionsProps {
  t: Texts;
  chat: ChatBoard;
  name: string;
  queues: { id: string; name: string }[];
  act: (frame: Record<string, unknown>) => Promise<boolean>;
}

/** WaitingActions raise a waiting chat's priority or move it to another queue. */
function WaitingActions({ t, chat, name, queues, act }: WaitingActionsProps) {
  const others = queues.filter((q) => q.id !== chat.queueId);
  const [to, setTo] = useState(others[0]?.id ?? '');
  const selectId = `move-${chat.id}`;
  return (
    <>
      <button
        type="button"
        aria-label={fmt(t.raiseChat, { name })}
        disabled={chat.priority >= 9}
        onClick={() => void act({ type: 'reroute', conversationId: chat.id, priority: Math.min(9, chat.priority + 1) })}
      >
        {t.raise}
      </button>
      {others.length > 0 && (
        <span class="move">
          <label class="sr-only" for={selectId}>
            {fmt(t.moveTo, { name })}
          </label>
          <select id={selectId} value={to} onChange={(e) => setTo(e.currentTarget.value)}>
            {others.map((q) => (
              <option key={q.id} value={q.id}>
                {q.name}
              </option>
            ))}
          </select>
          <button type="button" aria-label={fmt(t.moveChat, { name })} disabled={!to} onClick={() => void act({ type: 'reroute', conversationId: chat.id, queueId: to })}>
            {t.move}
          </button>
        </span>
      )}
    </>
  );
}

interface WatchPanelProps {
  t: Texts;
  id: string;
  name: string;
  log: ChatEvent[];
  names: Map<string, string>;
  socket?: Socket;
  onStop: () => void;
}

function WatchPanel({ t, id, name, log, names, socket, onStop }: WatchPanelProps) {
  const [text, setText] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  async function submit(e: Event) {
    e.preventDefault();
    if (!socket || !text.trim() || busy) return;
    setBusy(true);
    setError('');
    try {
      await socket.request({ type: 'whisper', conversationId: id, clientMsgId: newId(), text: text.trim() });
      setText('');
    } catch (err) {
      setError(errorText(err, reasonsOf(t)));
    }
    setBusy(false);
  }
  return (
    <section class="watch" aria-labelledby="watch-h">
      <h2 id="watch-h">{fmt(t.watching, { name })}</h2>
      <div class="watch-log" role="log" aria-label={fmt(t.watchLog, { name })}>
        {log.map((e) => (
          <Line key={e.seq} t={t} e={e} names={names} />
        ))}
      </div>
      <form onSubmit={submit}>
        <label for="whisper-text">{t.whisper}</label>
        <p class="muted" id="whisper-hint">
          {t.whisperHint}
        </p>
        <textarea id="whisper-text" rows={2} maxLength={5000} aria-describedby="whisper-hint" value={text} onInput={(e) => setText(e.currentTarget.value)} />
        {error && <p role="alert">{error}</p>}
        <div class="actions">
          <button type="submit" class="primary" disabled={busy || !text.trim()}>
            {t.sendWhisper}
          </button>
          <button type="button" onClick={onStop}>
            {t.stopWatching}
          </button>
        </div>
      </form>
    </section>
  );
}

function Line({ t, e, names }: { t: Texts; e: ChatEvent; names: Map<string, string> }) {
  const who = e.agentName || names.get(e.agentId ?? '') || '';
  let sys = '';
  switch (e.kind) {
    case 'agent_joined':
      sys = fmt(t.sysJoined, { name: who });
      break;
    case 'agent_left':
      sys = fmt(t.sysLeft, { name: who });
      break;
    case 'ended':
      sys = t.sysEnded;
      break;
    case 'transferred':
      sys = t.sysTransferred;
      break;
    case 'monitored':
      sys = fmt(e.watching ? t.sysWatching : t.sysStopped, { name: who });
      break;
    case 'message':
      break;
    default:
      return null;
  }
  const time = clock(e.time);
  if (sys) {
    return (
      <p class="sys">
        <span>{sys}</span> <time dateTime={e.time}>{time}</time>
      </p>
    );
  }
  const priv = e.visibility === 'agents';
  return (
    <div class={priv ? 'msg private' : 'msg'}>
      <span class="who">{e.author?.name}</span>
      {e.author?.role === 'supervisor' && <span class="tag">{t.supervisorTag}</span>}
      {priv && <span class="tag">{t.privateTag}</span>} <time dateTime={e.time}>{time}</time>
      <p>{e.text}</p>
    </div>
  );
}
