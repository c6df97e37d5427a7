import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collationKey, collator, compareText } from '../../src/model/collation-key.js';

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number) {
  return () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

const printable = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');

describe('collation keys', () => {
  it('order every pair of printable ASCII strings exactly as the collator does', () => {
    const next = random(7);
    // Digits, case and punctuation weighted up: the places where keys could go wrong.
    const alphabet = `${printable}000011119999aAzZ-_.: `;
    const make = () => {
      let s = '';
      const length = Math.floor(next() * 14);
      for (let i = 0; i < length; i++) s += alphabet[Math.floor(next() * alphabet.length)];
      return s;
    };
    let checked = 0;
    for (let t = 0; t < 100_000; t++) {
      const a = make();
      const b = make();
      const keyA = collationKey(a);
      const keyB = collationKey(b);
      assert.ok(keyA !== undefined && keyB !== undefined, `${a} / ${b} have keys`);
      const byKey = keyA < keyB ? -1 : keyA > keyB ? 1 : 0;
      assert.equal(byKey, Math.sign(collator().compare(a, b)), `${JSON.stringify([a, b])}`);
      checked++;
    }
    assert.equal(checked, 100_000);
  });

  it('sort client IDs with numbers by value, ignoring case and leading zeros', () => {
    const ids = ['pump-10', 'Pump-9', 'pump-009', 'pump-1', 'agent_2', 'agent-2', 'pump-0100'];
    const byKeys = [...ids].sort((a, b) => compareText(a, b, collationKey(a), collationKey(b)));
    assert.deepEqual(
      byKeys,
      [...ids].sort((a, b) => collator().compare(a, b)),
    );
    assert.equal(byKeys.indexOf('pump-1') < byKeys.indexOf('pump-10'), true);
  });

  it('leave everything else to the collator', () => {
    for (const text of ['café', 'Ünïcode', 'tab\there', 'nul\u0000', 'emoji-🚀', '9'.repeat(200)]) {
      assert.equal(collationKey(text), undefined, JSON.stringify(text));
    }
    // Mixed: one with a key, one without, still the collator's answer.
    assert.equal(
      Math.sign(compareText('cafe', 'café', collationKey('cafe'), collationKey('café'))),
      Math.sign(collator().compare('cafe', 'café')),
    );
  });
  it('make the same key for a text whatever was keyed before it', () => {
    const texts = ['pump-0001234', 'a', '', 'x-'.repeat(3000), 'café-123', 'B00', 'pump-12'];
    const alone = texts.map((t) => collationKey(t));
    // Each after every other: a longer key, a shorter one, one given up half-way (no key).
    for (const before of texts) {
      texts.forEach((t, i) => {
        collationKey(before);
        assert.equal(
          collationKey(t),
          alone[i],
          `${JSON.stringify(t)} after ${before.slice(0, 12)}`,
        );
      });
    }
    assert.equal(alone[3]!.length, 6000);
    assert.equal(alone[4], undefined);
  });
});
