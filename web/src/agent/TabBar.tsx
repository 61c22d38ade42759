// The row of tabs, one per offer, invitation and chat. Arrow keys, Home and End move
// between tabs (and select them); Delete closes the focused one. The tab
// list holds only tabs (ARIA's rule): the x on each tab is for the mouse
// (hidden from assistive technology, never focused); the keyboard has
// Delete, and every chat's header has a named close button of its own.
// A customer without a name shows as "Visitor 4821" with the time the
// chat started; a customer who left shows "Left".

import { useTexts } from './hooks';
import { fmt } from './texts';
import { queueName } from './state';
import type { DesktopState } from './state';
import { customerLabel, startedAt } from './customer';

export { customerLabel } from './customer';

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
        const name = customerLabel(tab, t);
        const started = !tab.customerName?.trim() ? startedAt(tab) : '';
        const left = tab.customer === 'left' && !tab.over;
        const disabled = tab.answering || tab.ending;
        const classes = ['tab', `tab-${tab.kind}`];
        if (selected) classes.push('selected');
        if (tab.highlight) classes.push('highlight');
        if (tab.over) classes.push('tab-over');
        if (left) classes.push('tab-left');
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
              aria-keyshortcuts="Delete"
              onClick={() => onSelect(id)}
              onKeyDown={(e) => move(id, e)}
            >
              {tab.kind === 'offer' && <span class="tag">{t.offerTag}</span>}
              {tab.kind === 'invitation' && <span class="tag">{tab.invitedBy?.transfer ? t.transferTag : t.invitationTag}</span>}
              <span class="tab-name">{name}</span>
              <span class="tab-queue">
                {queueName(state, tab.queueId)}
                {started && (
                  <>
                    {' · '}
                    <time dateTime={tab.createdAt} title={fmt(t.startedAtLabel, { time: started })}>
                      {started}
                    </time>
                  </>
                )}
              </span>
              {left && <span class="tag tag-left">{t.leftTag}</span>}
              {!selected && tab.unread > 0 && (
                <span class="unread" role="img" aria-label={fmt(t.unread, { count: tab.unread })}>
                  {tab.unread}
                </span>
              )}
            </button>
            <span
              class={disabled ? 'tab-close disabled' : 'tab-close'}
              aria-hidden="true"
              title={fmt(t.closeChatWith, { name })}
              // The focus stays where it is, then goes to the tab, so a
              // dialog that asks first gives it back there.
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => {
                if (disabled) return;
                document.getElementById(tabDomId(id))?.focus();
                onClose(id);
              }}
            >
              ×
            </span>
          </div>
        );
      })}
    </div>
  );
}
