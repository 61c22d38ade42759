// The row of tabs, one per offer, invitation and chat. Arrow keys, Home and End move
// between tabs (and select them); Delete closes the focused one. The x next
// to each tab is a button of its own, reachable by Tab on the selected tab.

import { useTexts } from './hooks';
import { fmt } from './texts';
import { queueName } from './state';
import type { DesktopState, Tab } from './state';

export interface TabBarProps {
  state: DesktopState;
  onSelect: (id: string) => void;
  onClose: (id: string) => void;
}

/** tabDomId and panelDomId give the element ids of a tab and its panel. */
export function tabDomId(id: string): string {
  return `tab-${id}`;
}
export function panelDomId(id: string): string {
  return `panel-${id}`;
}

export function customerLabel(tab: Tab, fallback: string): string {
  return tab.customerName?.trim() || fallback;
}

export function TabBar({ state, onSelect, onClose }: TabBarProps) {
  const t = useTexts();
  const focusable = state.selected && state.tabs[state.selected] ? state.selected : state.order[0];

  function move(from: string, e: KeyboardEvent) {
    const i = state.order.indexOf(from);
    let to: number;
    switch (e.key) {
      case 'ArrowRight':
        to = (i + 1) % state.order.length;
        break;
      case 'ArrowLeft':
        to = (i - 1 + state.order.length) % state.order.length;
        break;
      case 'Home':
        to = 0;
        break;
      case 'End':
        to = state.order.length - 1;
        break;
      case 'Delete':
        e.preventDefault();
        onClose(from);
        return;
      default:
        return;
    }
    e.preventDefault();
    const id = state.order[to];
    onSelect(id);
    document.getElementById(tabDomId(id))?.focus();
  }

  return (
    <div class="tabs" role="tablist" aria-label={t.chats}>
      {state.order.map((id) => {
        const tab = state.tabs[id];
        const selected = id === state.selected;
        const name = customerLabel(tab, t.customer);
        const classes = ['tab', `tab-${tab.kind}`];
        if (selected) classes.push('selected');
        if (tab.highlight) classes.push('highlight');
        if (tab.over) classes.push('tab-over');
        return (
          <div class={classes.join(' ')} key={id} role="presentation">
            <button
              type="button"
              role="tab"
              id={tabDomId(id)}
              class="tab-main"
              aria-selected={selected}
              aria-controls={panelDomId(id)}
              tabIndex={id === focusable ? 0 : -1}
              onClick={() => onSelect(id)}
              onKeyDown={(e) => move(id, e)}
            >
              {tab.kind === 'offer' && <span class="tag">{t.offerTag}</span>}
              {tab.kind === 'invitation' && <span class="tag">{t.invitationTag}</span>}
              <span class="tab-name">{name}</span>
              <span class="tab-queue">{queueName(state, tab.queueId)}</span>
              {!selected && tab.unread > 0 && (
                <span class="unread" role="img" aria-label={fmt(t.unread, { count: tab.unread })}>
                  {tab.unread}
                </span>
              )}
            </button>
            <button
              type="button"
              class="tab-close"
              aria-label={fmt(t.closeChatWith, { name })}
              tabIndex={id === focusable ? 0 : -1}
              disabled={tab.answering || tab.ending}
              onClick={() => onClose(id)}
            >
              <span aria-hidden="true">×</span>
            </button>
          </div>
        );
      })}
    </div>
  );
}
