// How the desktop names a chat's customer, and what it says of the
// customer's presence. A customer who gave no name goes by the visitor
// number the server gives the conversation ("Visitor 4821"), the same in
// the tab, the chat header, the log and the organisation's records; the
// tab adds the time the chat started, so two visitors are told apart.

import { fmt } from './texts';
import type { Texts } from './texts';
import type { Tab } from './state';
import { formatClock } from './format';

/** customerLabel gives the customer's name, the visitor label, or "Customer". */
export function customerLabel(tab: Pick<Tab, 'customerName' | 'visitor'>, t: Pick<Texts, 'customer' | 'visitor'>): string {
  const name = tab.customerName?.trim();
  if (name) return name;
  return tab.visitor ? fmt(t.visitor, { number: tab.visitor }) : t.customer;
}

/** startedAt gives the clock time the chat started ("" when unknown). */
export function startedAt(tab: Pick<Tab, 'createdAt'>): string {
  return tab.createdAt ? formatClock(tab.createdAt) : '';
}

/** presenceText says where the customer is, for the chat header; "" while connected or unknown. */
export function presenceText(tab: Tab, t: Texts): string {
  return tab.customer === 'left' && !tab.over ? fmt(t.customerLeft, { name: customerLabel(tab, t) }) : '';
}
