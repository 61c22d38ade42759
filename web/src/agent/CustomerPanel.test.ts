import { describe, expect, it } from 'vitest';
import { detailLabel, lockText } from './CustomerPanel';
import { en, nb } from './texts';

describe('customer details', () => {
  it('names the fields in the desktop language, and mapped claims by their label', () => {
    expect(detailLabel({ field: 'email' }, en)).toBe('E-mail');
    expect(detailLabel({ field: 'phone' }, nb)).toBe('Telefon');
    expect(detailLabel({ field: 'customer_number', label: 'Customer number' }, en)).toBe('Customer number');
    expect(detailLabel({ field: 'x' }, en)).toBe('x');
  });
  it('says who vouched for a verified detail and when', () => {
    const at = new Date(2026, 11, 1, 10, 2).toISOString();
    expect(lockText({ at, source: 'signed_token' }, en)).toBe("Verified by the website's sign-in, 10:02");
    expect(lockText({ at, source: 'signed_token' }, nb)).toBe('Bekreftet av nettstedets innlogging, 10:02');
    expect(lockText({ at, source: 'oidc' }, en)).toBe('Verified by the secure sign-in (electronic ID), 10:02');
  });
});
