// How a desktop in the background tells the agent of a new request: the
// page title (Desktop), a sound and a desktop notification. The agent
// turns the sound and the notifications on and off in the top bar; the
// choice is kept in this browser (localStorage). Notifications need the
// browser's permission, asked when the agent turns them on, and are shown
// only while the page is hidden: in front, the tab and the announcement
// say it already.

export interface AlertPrefs {
  sound: boolean;
  notify: boolean;
}

const key = 'skranke.alerts';

/** loadPrefs reads the agent's choice; sound on and notifications off by default. */
export function loadPrefs(storage: Pick<Storage, 'getItem'> | undefined = safeStorage()): AlertPrefs {
  try {
    const v = JSON.parse(storage?.getItem(key) ?? '{}') as Partial<AlertPrefs>;
    return { sound: v.sound !== false, notify: v.notify === true };
  } catch {
    return { sound: true, notify: false };
  }
}

/** savePrefs keeps the agent's choice. */
export function savePrefs(p: AlertPrefs, storage: Pick<Storage, 'setItem'> | undefined = safeStorage()): void {
  try {
    storage?.setItem(key, JSON.stringify(p));
  } catch {
    // Storage refused: the choice lasts until the page is reloaded.
  }
}

function safeStorage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}

/** notificationPermission is the browser's answer so far: granted, denied, default, or unsupported. */
export function notificationPermission(): NotificationPermission | 'unsupported' {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

/** askNotifications asks the browser's permission (from a click) and reports whether it was given. */
export async function askNotifications(): Promise<boolean> {
  if (typeof Notification === 'undefined') return false;
  if (Notification.permission === 'granted') return true;
  try {
    return (await Notification.requestPermission()) === 'granted';
  } catch {
    return false;
  }
}

/**
 * notify shows a desktop notification when the agent wants them, the
 * browser allows them and the page is hidden. Clicking it brings the
 * desktop forward and calls onClick (select the offer). It never throws.
 */
export function notify(prefs: AlertPrefs, title: string, body: string, tag: string, onClick: () => void): void {
  if (!prefs.notify || typeof document === 'undefined' || !document.hidden) return;
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  try {
    const n = new Notification(title, { body, tag });
    n.onclick = () => {
      window.focus();
      onClick();
      n.close();
    };
  } catch {
    // Some browsers allow notifications only from a service worker; the title still counts.
  }
}
