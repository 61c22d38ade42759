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
//   host → frame  {skranke: 'visible', visible}       the panel was shown or hidden;
//                                                     sent on every change and in reply to ready
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
  | { skranke: 'identity-refused'; reason: string; message: string };

export interface HostBridge {
  /** embedded is false when the frame was opened on its own. */
  readonly embedded: boolean;
  post(msg: ToHost): void;
  /** onVisible calls fn whenever the host shows or hides the panel; returns the unsubscriber. */
  onVisible(fn: (visible: boolean) => void): () => void;
  /** onIdentify calls fn with each identity token the host page gives; returns the unsubscriber. */
  onIdentify(fn: (token: string) => void): () => void;
}

/** connectHost returns the bridge to the host page whose origin is hostOrigin. */
export function connectHost(win: Window, hostOrigin: string | null): HostBridge {
  const embedded = win.parent !== win && !!hostOrigin;
  return {
    embedded,
    post(msg) {
      if (embedded && hostOrigin) win.parent.postMessage(msg, hostOrigin);
    },
    onVisible(fn) {
      if (!embedded) return () => {};
      const h = (e: MessageEvent) => {
        if (e.origin !== hostOrigin || e.source !== win.parent) return;
        const d = e.data as { skranke?: unknown; visible?: unknown } | null;
        if (d && typeof d === 'object' && d.skranke === 'visible') fn(d.visible === true);
      };
      win.addEventListener('message', h);
      return () => win.removeEventListener('message', h);
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
