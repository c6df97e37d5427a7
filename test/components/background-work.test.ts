import { expect, waitUntil } from '@open-wc/testing';
import { inBackground } from '../../components/cs-active-sessions/background-work.js';

/** A job of `slices` slices that logs each under `name`; each slice uses up the turn's time. */
function slicedJob(log: string[], name: string, slices: number) {
  let left = slices;
  return (until: number) => {
    log.push(name);
    while (performance.now() < until) {
      // Busy until the turn is over, as a slice of a large list is.
    }
    return --left <= 0;
  };
}

describe('background work', () => {
  it('should run an urgent job before the others until it is done, then go on with them', async () => {
    const log: string[] = [];
    let doneA = false;
    let doneB = false;
    const cancelA = inBackground(slicedJob(log, 'A', 40), () => (doneA = true));
    // The diagnosis of a large list under way, then a sort clicked.
    await waitUntil(() => log.length >= 3, 'the first job under way');
    inBackground(slicedJob(log, 'B', 5), () => (doneB = true), { urgent: true });
    await waitUntil(() => doneB, 'the urgent job done');
    const first = log.indexOf('B');
    const last = log.lastIndexOf('B');
    expect(log.slice(first, last + 1).join('')).to.equal('BBBBB');
    // The other job goes on afterwards, to its end.
    await waitUntil(() => doneA, 'the first job done', { timeout: 5000 });
    expect(log.filter((x) => x === 'A')).to.have.length(40);
    cancelA();
  });

  it('should give jobs that are not urgent turns in turn', async () => {
    const log: string[] = [];
    let done = 0;
    inBackground(slicedJob(log, 'A', 4), () => done++);
    inBackground(slicedJob(log, 'C', 4), () => done++);
    await waitUntil(() => done === 2, 'both jobs done');
    expect(log.join('')).to.equal('ACACACAC');
  });
});
