// Small inline icons (no icon font, no requests). They are decoration:
// aria-hidden, the control or text beside them carries the name.

const common = {
  width: 16,
  height: 16,
  viewBox: '0 0 16 16',
  fill: 'none',
  stroke: 'currentColor',
  'stroke-width': 1.6,
  'stroke-linecap': 'round',
  'stroke-linejoin': 'round',
  'aria-hidden': 'true',
  focusable: 'false',
  class: 'icon',
} as const;

/** EyeIcon marks private messages and the private toggle (R11). */
export function EyeIcon() {
  return (
    <svg {...common}>
      <path d="M1.5 8s2.4-4.5 6.5-4.5S14.5 8 14.5 8s-2.4 4.5-6.5 4.5S1.5 8 1.5 8z" />
      <circle cx="8" cy="8" r="2" />
    </svg>
  );
}

/** InviteIcon is a person with a plus, for inviting a colleague (R10). */
export function InviteIcon() {
  return (
    <svg {...common}>
      <circle cx="6" cy="5" r="2.5" />
      <path d="M1.5 14c0-2.5 2-4.2 4.5-4.2s4.5 1.7 4.5 4.2" />
      <path d="M13 4.5v4M11 6.5h4" />
    </svg>
  );
}

/** TransferIcon is two arrows the other way round, for transferring a chat (R18). */
export function TransferIcon() {
  return (
    <svg {...common}>
      <path d="M2 5h10M9 2l3 3-3 3" />
      <path d="M14 11H4M7 8l-3 3 3 3" />
    </svg>
  );
}

/** LeaveIcon is an arrow out of a door, for leaving a chat. */
export function LeaveIcon() {
  return (
    <svg {...common}>
      <path d="M9.5 2.5h-6v11h6" />
      <path d="M7 8h7.5M12 5.5 14.5 8 12 10.5" />
    </svg>
  );
}

/** MenuIcon is a list with buttons, for offering the customer choices (R9). */
export function MenuIcon() {
  return (
    <svg {...common}>
      <rect x="2" y="2.5" width="12" height="3" rx="1" />
      <rect x="2" y="6.5" width="12" height="3" rx="1" />
      <rect x="2" y="10.5" width="12" height="3" rx="1" />
    </svg>
  );
}

/** QuoteIcon is a speech bubble with lines, for predefined messages (R8). */
export function QuoteIcon() {
  return (
    <svg {...common}>
      <path d="M2.5 3h11v7.5H7L4 13v-2.5H2.5z" />
      <path d="M5 6h6M5 8h4" />
    </svg>
  );
}

/** LockIcon marks a customer detail the organisation's website vouched for (R6). */
export function LockIcon() {
  return (
    <svg {...common}>
      <rect x="3" y="7" width="10" height="7" rx="1.5" />
      <path d="M5.5 7V5a2.5 2.5 0 0 1 5 0v2" />
    </svg>
  );
}
