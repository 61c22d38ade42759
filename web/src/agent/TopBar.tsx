// The top bar: who is logged in, the profile, Ready/Paused, the load, the
// alerts (sound, desktop notifications), the connection and Log out.

import { useEffect, useRef, useState } from 'preact/hooks';
import { useLanguage, useTexts } from './hooks';
import { fmt } from './texts';
import { activeChats } from './state';
import type { DesktopState } from './state';
import type { AgentStatus } from '../common/protocol';
import { askNotifications, notificationPermission } from './alerts';
import type { AlertPrefs } from './alerts';
import { LanguageOptions } from '../common/LanguageOptions';

export interface TopBarProps {
  state: DesktopState;
  onStatus: (status: AgentStatus, profileId: string | undefined) => void;
  onLogout: () => void;
  prefs?: AlertPrefs;
  onPrefs?: (p: AlertPrefs) => void;
}

/** ProfileQueues lists the queues of the active profile, marking those closed now. */
function ProfileQueues({ state }: { state: DesktopState }) {
  const t = useTexts();
  const profile = state.profiles.find((p) => p.id === state.profileId);
  if (!profile || !profile.queues?.length) return null;
  return (
    <ul class="profile-queues" aria-label={t.yourQueues}>
      {profile.queues.map((id) => {
        const q = state.queues.find((x) => x.id === id);
        const name = q?.name ?? id;
        const closed = q?.open === false;
        return (
          <li key={id} class={closed ? 'closed' : ''} title={closed ? t.queueClosedTitle : undefined}>
            {closed ? fmt(t.queueClosed, { queue: name }) : name}
          </li>
        );
      })}
    </ul>
  );
}

/** LanguageSwitch chooses the desk's language; the choice is kept for the agent (main.tsx). */
export function LanguageSwitch() {
  const t = useTexts();
  const l = useLanguage();
  if (!l) return null;
  return (
    <span class="field language">
      <label for="language-select">{t.language}</label>
      <select id="language-select" value={l.lang} onChange={(e) => l.onLanguage(e.currentTarget.value as typeof l.lang)}>
        <LanguageOptions />
      </select>
    </span>
  );
}

export function TopBar({ state, onStatus, onLogout, prefs, onPrefs }: TopBarProps) {
  const t = useTexts();
  const selectRef = useRef<HTMLSelectElement>(null);
  const [needProfile, setNeedProfile] = useState(false);
  const [blocked, setBlocked] = useState(false);

  async function toggleNotify() {
    if (!prefs || !onPrefs) return;
    if (prefs.notify) {
      onPrefs({ ...prefs, notify: false });
      return;
    }
    const ok = await askNotifications();
    setBlocked(!ok);
    if (ok) onPrefs({ ...prefs, notify: true });
  }
  const profileKnown = !!state.profileId && state.profiles.some((p) => p.id === state.profileId);
  const ready = state.status === 'ready';
  // The agent's latest choices, until the server's state shows them: a
  // status chosen right after a profile (before the first answer) must not
  // send the old profile back, nor the other way round.
  const wanted = useRef<{ status?: AgentStatus; profileId?: string }>({});
  useEffect(() => {
    wanted.current = {};
  }, [state.status, state.profileId]);

  function chooseStatus(status: AgentStatus) {
    const profileId = wanted.current.profileId ?? state.profileId;
    if (status === 'ready' && !(profileId && state.profiles.some((p) => p.id === profileId))) {
      setNeedProfile(true);
      selectRef.current?.focus();
      return;
    }
    setNeedProfile(false);
    if (status !== (wanted.current.status ?? state.status)) {
      wanted.current.status = status;
      onStatus(status, profileId);
    }
  }

  function chooseProfile(id: string) {
    if (!id) return;
    setNeedProfile(false);
    wanted.current.profileId = id;
    onStatus(wanted.current.status ?? state.status, id);
  }

  const connText =
    state.connection === 'open' ? t.connected : state.everConnected ? t.reconnecting : t.connecting;

  return (
    <header class="topbar">
      <span class="brand" aria-hidden="true">
        Skranke
      </span>
      <span class="me">{state.me?.displayName ?? ''}</span>
      <span class="field">
        <label for="profile-select">{t.profile}</label>
        <select
          id="profile-select"
          ref={selectRef}
          value={profileKnown ? state.profileId : ''}
          aria-describedby={needProfile ? 'profile-hint' : undefined}
          aria-invalid={needProfile || undefined}
          onChange={(e) => chooseProfile(e.currentTarget.value)}
        >
          {!profileKnown && (
            <option value="" disabled>
              {t.chooseProfile}
            </option>
          )}
          {state.profiles.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </span>
      <span class="status-toggle" role="group" aria-label={t.status}>
        <button
          type="button"
          class={ready ? 'on ready' : ''}
          aria-pressed={ready}
          onClick={() => chooseStatus('ready')}
        >
          {t.ready}
        </button>
        <button
          type="button"
          class={!ready ? 'on paused' : ''}
          aria-pressed={!ready}
          onClick={() => chooseStatus('paused')}
        >
          {t.paused}
        </button>
      </span>
      <ProfileQueues state={state} />
      {needProfile && !profileKnown && (
        <span id="profile-hint" class="hint" role="alert">
          {t.chooseProfileFirst}
        </span>
      )}
      {state.me && state.me.capacity > 0 && (
        <span class="load">{fmt(t.chatsOf, { count: activeChats(state), capacity: state.me.capacity })}</span>
      )}
      <span class="spacer" />
      {prefs && onPrefs && (
        <span class="alerts" role="group" aria-label={t.alerts}>
          <button type="button" class={prefs.sound ? 'on' : ''} aria-pressed={prefs.sound} onClick={() => onPrefs({ ...prefs, sound: !prefs.sound })}>
            {t.soundOn}
          </button>
          {notificationPermission() !== 'unsupported' && (
            <button type="button" class={prefs.notify ? 'on' : ''} aria-pressed={prefs.notify} onClick={() => void toggleNotify()}>
              {t.notificationsOn}
            </button>
          )}
          {blocked && (
            <span class="hint" role="alert">
              {t.notificationsBlocked}
            </span>
          )}
        </span>
      )}
      <LanguageSwitch />
      <span class={`conn conn-${state.connection}`} role="status">
        <span class="dot" aria-hidden="true" />
        {connText}
      </span>
      <button type="button" class="quiet" onClick={onLogout}>
        {t.logOut}
      </button>
    </header>
  );
}
