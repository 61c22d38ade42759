// The frame's side of the postMessage conversation with the loader in the
// host page. Messages are plain objects with a `skranke` field:
//
//   frame → host  {skranke: 'ready'}                  the frame has loaded
//                 {skranke: 'close'}                  hide the panel (Minimise, Escape)
//                 {skranke: 'unread', count}          badge the launcher
//                 {skranke: 'active', active}         a chat is going on (the loader
//                                                     then creates the frame at page load)
//                 {skranke: 'identity-refused', reason, message}
//                                                     the server refused the page's identity
//                                                     token (R6); the loader tells the console
//                                                     and, when expired, asks the page for a
//                                                     fresh one
//   host → frame  {skranke: 'identify', token}        the page's identity token (Skranke.identify);
//                                                     sent on each call and in reply to ready
//                 {skranke: 'chat', event, conversationId}
//                                                     the customer started a chat (event
//                                                     'started') or it ended ('ended'), for
//                                                     the page's Skranke('on', …) listeners
//   host → frame  {skranke: 'visible', visible}       the panel was shown or hidden;
//                                                     sent on every change and in reply to ready
//                 {skranke: 'set', name, email}       what the page said of the visitor
//                                                     (Skranke('set', …)): unverified, it
//                                                     fills in the name and the transcript's
//                                                     address, which the visitor may change
//
// The loader passes its page's origin as the `origin` query parameter. The
// frame posts only to that origin and accepts only messages from its parent
// window with that origin. Opened on its own (no parent), the frame counts as
// always visible and posts nothing.

export type ToHost =
  | { skranke: 'ready' }
  | { skranke: 'close' }
  | { skranke: 'unread'; count: number }
  | { skranke: 'active'; active: boolean }
  | { skranke: 'identity-refused'; reason: string; message: string }
  | { skranke: 'chat'; event: 'started' | 'ended'; conversationId: string };

/** Visitor is what the page said of the visitor (Skranke('set', …)); never verified. */
export interface Visitor {
  name?: string;
  email?: string;
}

export interface HostBridge {
  /** embedded is false when the frame was opened on its own. */
  readonly embedded: boolean;
  post(msg: ToHost): void;
  /** onVisible calls fn whenever the host shows or hides the panel; returns the unsubscriber. */
  onVisible(fn: (visible: boolean) => void): () => void;
  /** onIdentify calls fn with each identity token the host page gives; returns the unsubscriber. */
  onIdentify(fn: (token: string) => void): () => void;
  /** onVisitor calls fn with what the page says of the visitor; returns the unsubscriber. */
  onVisitor(fn: (v: Visitor) => void): () => void;
}

const text = (v: unknown, max: number): string | undefined => (typeof v === 'string' && v.trim() ? v.trim().slice(0, max) : undefined);

/** connectHost returns the bridge to the host page whose origin is hostOrigin. */
export function connectHost(win: Window, hostOrigin: string | null): HostBridge {
  const embedded = win.parent !== win && !!hostOrigin;
  // listen calls fn with the messages of the host page, and only those.
  const listen = (fn: (d: Record<string, unknown>) => void) => {
    if (!embedded) return () => {};
    const h = (e: MessageEvent) => {
      if (e.origin !== hostOrigin || e.source !== win.parent) return;
      if (e.data && typeof e.data === 'object') fn(e.data as Record<string, unknown>);
    };
    win.addEventListener('message', h);
    return () => win.removeEventListener('message', h);
  };
  return {
    embedded,
    post(msg) {
      if (embedded && hostOrigin) win.parent.postMessage(msg, hostOrigin);
    },
    onVisible(fn) {
      return listen((d) => {
        if (d.skranke === 'visible') fn(d.visible === true);
      });
    },
    onVisitor(fn) {
      return listen((d) => {
        if (d.skranke === 'set') fn({ name: text(d.name, 100), email: text(d.email, 254) });
      });
    },
    onIdentify(fn) {
      if (!embedded) return () => {};
      const h = (e: MessageEvent) => {
        if (e.origin !== hostOrigin || e.source !== win.parent) return;
        const d = e.data as { skranke?: unknown; token?: unknown } | null;
        if (d && typeof d === 'object' && d.skranke === 'identify' && typeof d.token === 'string') fn(d.token);
      };
      win.addEventListener('message', h);
      return () => win.removeEventListener('message', h);
    },
  };
}
